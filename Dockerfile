# syntax=docker/dockerfile:1
# Huế IOC: one image runs ioc-server (Fastify + socket.io, TypeScript through tsx) and serves the built
# SvelteKit app from ioc-web/build. Production wiring (TimescaleDB, Redis, Mosquitto): docker-compose.yml.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: install everything, build the web app ---------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

# Manifests first, so the dependency layer is reused until a package.json or the lockfile changes.
COPY package.json package-lock.json ./
COPY layers/package.json layers/
COPY streams/package.json streams/
COPY ioc-server/package.json ioc-server/
COPY ioc-web/package.json ioc-web/
COPY scripts/ scripts/
RUN --mount=type=cache,target=/root/.npm npm ci

COPY . .
RUN npm run build

# devDependencies stay in the image on purpose: the server runs TypeScript through `tsx`, which is a root
# devDependency. Once tsx (and nothing else the server needs at run time) is in "dependencies", add
#   RUN npm prune --omit=dev
# here to drop vite, svelte, deck.gl, typescript and the test tools from the runtime image.

# ---- runtime ------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/app/data \
    GEO_DIR=/app/geo
WORKDIR /app

# Code and node_modules stay owned by root (read-only for the app); only the data folder is writable.
COPY --from=build /app /app
RUN mkdir -p /app/data /app/geo && chown node:node /app/data

USER node
EXPOSE 8080

# Liveness only (/healthz); docker-compose.yml checks readiness (/readyz) before sending traffic.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# No --profile=start: production takes its settings (DEMO=off, SIMULATOR=off, service URLs) from the environment.
CMD ["node", "--import", "tsx", "ioc-server/src/server.ts"]
