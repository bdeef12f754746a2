# syntax=docker/dockerfile:1
# Huế IOC: one image runs ioc-server compiled to JavaScript (ioc-server/dist, plain node, no tsx) and serves
# the built SvelteKit app from ioc-web/build. Production wiring (TimescaleDB, Redis, Mosquitto):
# docker-compose.yml.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: install everything, build the web app and compile the server ------------------------------------
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
# ioc-web/build (vite) and ioc-server/dist (scripts/build-server.mjs: our code and the workspace packages
# bundled, npm packages left external).
RUN npm run build

# ---- runtime: production dependencies and the built output only ----------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

# `dependencies` of every workspace, no devDependencies (vite, svelte, deck.gl, typescript, tsx, esbuild and
# the test tools stay in the build stage). --ignore-scripts: the root `prepare` builds the web app, which is
# copied in below instead, and no production dependency has an install script (PGlite is wasm, argon2 ships
# prebuilt binaries as optional packages).
COPY package.json package-lock.json ./
COPY layers/package.json layers/
COPY streams/package.json streams/
COPY ioc-server/package.json ioc-server/
COPY ioc-web/package.json ioc-web/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-fund --no-audit --no-update-notifier

# What the compiled server reads at run time, found from its own path (REPO_ROOT in ioc-server/src/config.ts):
# the migrations, the reference geography (geo/, the GEO_DIR default: no mount needed) and the web app.
COPY --from=build /app/ioc-server/dist ioc-server/dist
COPY --from=build /app/ioc-web/build ioc-web/build
COPY ioc-server/migrations ioc-server/migrations
COPY geo geo

ENV NODE_ENV=production \
    LOG_FORMAT=json \
    PORT=8080 \
    DATA_DIR=/app/data

# Code and node_modules stay owned by root (read-only for the app); only the data folder is writable.
RUN mkdir -p /app/data && chown node:node /app/data

USER node
EXPOSE 8080

# Liveness only (/healthz); docker-compose.yml checks readiness (/readyz) before sending traffic.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# No --profile=start: production takes its settings (DEMO=off, SIMULATOR=off, service URLs) from the environment.
# The same command as `npm run start:prod`; source maps turn stack traces in the logs back into src/ lines.
CMD ["node", "--enable-source-maps", "ioc-server/dist/server.js"]
