# Inference replica image. Not built or tested here (no container runtime; deploy/README.md).
#   docker build -f deploy/docker/inference.Dockerfile -t ghcr.io/drillbook/inference:0.1.0 .
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY . .
RUN npm ci --omit=dev -w services/inference -w services/contracts && npm install --no-save tsx@4
USER 10001
EXPOSE 8081
CMD ["npx", "tsx", "services/inference/src/main.ts"]
