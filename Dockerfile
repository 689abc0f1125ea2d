# The reference git runtime (docker-compose service "runtime"). The build stage installs every
# package (the runtime's are devDependencies: they never reach a team that installs obsgen) and
# compiles src/runtime into one self-contained bundle, dist/runtime (scripts/build.mjs runtime, as
# the prestart script does). The image holds that bundle and no node_modules, and runs plain node on
# it in exec form — no npm, no shell, no TypeScript loader between the container's init and the
# runtime — so `docker stop`'s SIGTERM reaches it and it kills every sandbox. tini is PID 1: it
# forwards the signal and reaps the git processes a killed sandbox leaves behind.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
COPY generated ./generated
RUN node scripts/build.mjs runtime

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# package.json makes dist/*.js ES modules ("type": "module").
COPY package.json ./
COPY --from=build /app/dist/runtime ./dist/runtime

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/runtime/main.js"]
