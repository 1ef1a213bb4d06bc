# The mesh container (issue 13): the same Node pipeline as the embedded default (sharp, manifold-3d,
# the worker pool) behind POST /run, started by the MeshContainer Durable Object (wrangler.toml
# [[containers]]). Built by `wrangler deploy`; these machines have no Docker engine to try it.
# No secrets or R2 credentials: each task brings presigned URLs for its input and artifacts
# (src/jobs/mesh-io.ts) when the Worker has R2's S3 API configured, else the bytes themselves.
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production PORT=8080
COPY package.json package-lock.json ./
# The postinstall (scripts/native-addons.mjs) checks better-sqlite3 loads; the image's Node is 24 already.
COPY scripts ./scripts
RUN npm ci --omit=dev && npm cache clean --force
COPY src ./src
COPY workers ./workers
COPY wasm ./wasm
EXPOSE 8080
USER node
CMD ["node", "src/node/mesh-container-main.ts"]
