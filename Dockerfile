# The orchestrator image: `node src/main.ts` as the non-root user `app`, its SQLite file on the
# /data volume (NODE_ENV=production makes DEDUP_DB_PATH default to /data/dedup.sqlite).
#
#   docker build -t ai-implement .
#   docker run -d --name ai-implement -p 8080:8080 -v ai-implement-data:/data --env-file .env ai-implement
#
# BASE_IMAGE is any Debian bookworm with Node 24 under /usr/local, as the official image has it;
# the tests pass one made locally (test/support/docker-images.ts): no registry is reachable there.
# Few instructions, metadata before content: every instruction is a full copy of the file system
# on the vfs storage driver the tests use (docs/decisions/docker.md).
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS deps
COPY . /app/
# Production dependencies only, no install scripts (see docker/runner/Dockerfile; better-sqlite3
# ships prebuilt N-API binaries). The orchestrator never starts Claude Code (runners do), so its
# ~250 MB package and the `node` package's second Node are left out.
RUN cd /app \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier \
 && rm -rf node_modules/@anthropic-ai/claude-code* node_modules/.bin/claude node_modules/node node_modules/.bin/node /root/.npm

FROM ${BASE_IMAGE}
RUN useradd --system --user-group --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
 && mkdir -p /data && chown app:app /data
# Two glibc malloc arenas, not up to 8 a core: freed memory is kept per arena (docs/decisions/tick-at-scale.md, "Jira by stamps").
ENV NODE_ENV=production PORT=8080 MALLOC_ARENA_MAX=2
VOLUME /data
WORKDIR /app
USER app
# /healthz answers 200 while the process serves (src/http/app.ts); Node's fetch, no curl needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# On SIGTERM (docker stop's default signal, Fly deploys) main.ts stops taking requests, finishes
# the tick and the queued work, closes the store and exits 0; Node is PID 1 and handles it itself.
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=20", "src/main.ts"]
COPY --from=deps /app /app
