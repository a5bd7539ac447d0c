# The projector, the services and the one-shot jobs (migrations, connector registration), as
# compiled JavaScript on the official Node 20 image. Build from the repository root:
#   docker build -f infra/docker/app.Dockerfile -t im-pipeline/app .
# Run one part by its command (compose.yaml and the Kubernetes manifests do):
#   node dist/projector/main.js | node dist/services/main.js
#   node dist/infra/jobs/migrateDatabases.js | node dist/infra/jobs/registerConnector.js

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services services
COPY projector projector
COPY connectors connectors
COPY infra infra
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# tini as PID 1: it forwards SIGTERM to node and reaps children, so a stop is a clean shutdown.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=production-dependencies /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
# What the compiled code reads beside itself: SQL migrations and the connector's definition (and its Avro format).
COPY services/db/migrations dist/services/db/migrations
COPY projector/db/migrations dist/projector/db/migrations
COPY connectors/im-write.json dist/connectors/im-write.json
COPY connectors/avro-format.json dist/connectors/avro-format.json
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/projector/main.js"]
# The projector's liveness (event loop answers); the services' image overrides it (compose, Kubernetes).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.METRICS_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
