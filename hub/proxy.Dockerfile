# configurable-http-proxy at the version pinned by hub/package-lock.json (the same one the local
# profile and the tests run). Build from the repository root:
#   docker build -f hub/proxy.Dockerfile -t codepark/proxy:latest .
FROM node:20-bookworm-slim
WORKDIR /srv/proxy
COPY hub/package.json hub/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
USER node
EXPOSE 8000 8001
ENTRYPOINT ["/srv/proxy/node_modules/.bin/configurable-http-proxy"]
