# Drill controller image (drillbook serve). Not built or tested in this repository's CI: no
# container runtime is available there (deploy/README.md). Build from the repository root:
#   docker build -f deploy/docker/controller.Dockerfile -t ghcr.io/drillbook/drill-controller:0.1.0 .
FROM node:20-bookworm-slim
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/* && \
    npm ci --omit=dev --ignore-scripts && npm install --no-save tsx@4 && \
    curl -fsSL https://github.com/grafana/k6/releases/download/v0.48.0/k6-v0.48.0-linux-amd64.tar.gz | tar -xz --strip-components=1 -C /usr/local/bin
USER 10001
EXPOSE 7070
ENTRYPOINT ["node", "services/drill-controller/bin/drillbook.js"]
CMD ["serve", "--config", "/etc/drillbook/controller.yaml"]
