# Data Factory worker image. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t data-factory-worker .
# Configuration comes only from environment variables (see docker/compose.yaml, service "worker").
FROM node:20

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so source edits reuse the cached npm layer. tsx is a runtime dependency:
# the worker runs TypeScript directly, exactly as in development.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

# Temporal's native bridge and DuckDB need no root; node:20 images ship the unprivileged "node" user.
# /data is the volume of the warehouse file and staged chunks: a new named volume takes this
# directory's owner, so the worker can write there.
RUN mkdir -p /data/warehouse /data/staging && chown -R node:node /data
USER node
CMD ["npx", "factory", "worker", "--role", "general"]
