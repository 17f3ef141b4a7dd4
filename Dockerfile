# syntax=docker/dockerfile:1
#
# One image recipe for every Gatehouse app. Pick the app with a build argument:
#   docker build --build-arg APP=gateway -t gatehouse-gateway .
# APP is one of: gateway, admin-api, worker, mock-provider, portal.
# The portal reads ADMIN_API_URL when it starts, so one portal image serves any deployment.
#
# The runtime image keeps the full workspace and its dev dependencies, because the same image runs the one-shot
# `npm run db:migrate && npm run db:seed` (TypeScript scripts run with tsx).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    NX_DAEMON=false \
    NX_NO_CLOUD=true

# Every workspace's package.json, the lockfile and the Prisma schema (npm's postinstall runs `prisma generate`), in
# their own layer: the `npm ci` below is then rebuilt only when dependencies change, not on every source edit, and
# a new app or lib is picked up without editing this file.
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && find . \( -name node_modules -o -name dist -o -name .next -o -name .git \) -prune -o -name package.json -print \
      | xargs -I '{}' cp --parents '{}' /manifests/ \
 && cp package-lock.json prisma.config.ts /manifests/ \
 && cp -r --parents prisma/schema /manifests/

FROM base AS deps
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
ARG APP
COPY . .
RUN if [ -z "$APP" ]; then echo 'Set --build-arg APP=<gateway|admin-api|worker|mock-provider|portal>' >&2; exit 1; fi \
 && npx nx run "${APP}:build" --skip-nx-cache

FROM base AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP}
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000 3001 3002 8080 8090
# Backend apps are compiled by SWC into dist/<app>/apps/<app>/src/main.js; the portal is served by Next.js through
# its own server (apps/portal/server.ts, which sets X-Forwarded-For from the real peer; PORTAL_HOST and PORTAL_PORT).
CMD ["sh", "-c", "if [ \"$APP\" = portal ]; then exec node_modules/.bin/tsx apps/portal/server.ts; else exec node \"dist/$APP/apps/$APP/src/main.js\"; fi"]
