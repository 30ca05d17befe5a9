# Storyblok Voice Assistant proxy. Build: docker build -t voice-proxy .   Run: see docs/DEPLOY_ECS.md
# AWS credentials are NOT baked in or passed as env in production: the SDK's default chain finds the task/instance role.

# ---- dependencies: production only, from the lockfile ----
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime: node_modules + the proxy sources, nothing else ----
FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
# Owned by root and read-only for the app user: the process cannot modify its own code or dependencies.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY shared ./shared
COPY proxy ./proxy
# The recorder page (proxy/transcript/recorderPage.ts) inlines these browser sources.
COPY plugin/speech ./plugin/speech
USER node
EXPOSE 8000
# node:24-slim has no curl; Node's own fetch checks /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# Same as `npm start` (tsx proxy/main.ts) without npm in between, so SIGTERM reaches the proxy directly and it
# drains in-flight streams (SHUTDOWN_GRACE_SECONDS) before exiting 0.
CMD ["node", "--import", "tsx", "proxy/main.ts"]
