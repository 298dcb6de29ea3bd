# Gateway image. Not built or tested here (no container runtime; deploy/README.md).
#   docker build -f deploy/docker/gateway.Dockerfile -t ghcr.io/drillbook/gateway:0.1.0 .
FROM node:20-bookworm-slim
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --ignore-scripts -w services/gateway -w services/contracts && npm install --no-save tsx@4
USER 10001
EXPOSE 8080
CMD ["npx", "tsx", "services/gateway/src/main.ts"]
