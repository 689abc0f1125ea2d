# The reference git runtime (docker-compose service "runtime"): `npm start` on 0.0.0.0:8000 inside
# the container; compose publishes it on 127.0.0.1 only.
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY generated ./generated
COPY metrics-spec ./metrics-spec

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000
USER node
CMD ["npm", "start"]
