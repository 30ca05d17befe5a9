# Storyblok Voice Assistant proxy. Build: docker build -t voice-proxy .   Run: see docs/DEPLOY_ECS.md
# AWS credentials are NOT baked in or passed as env in production: the SDK's default chain finds the task/instance role.

# ---- build: the whole toolchain, from the lockfile; compiles the proxy into one self-contained dist/ ----
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY shared ./shared
COPY proxy ./proxy
COPY plugin ./plugin
RUN npm run build

# ---- runtime: plain node and the compiled proxy; no node_modules, no TypeScript, no sources ----
FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    RECORDER_PAGE=dist/recorder.html \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
# Owned by root and read-only for the app user: the process cannot modify its own code (no loader cache either).
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8000
# node:24-slim has no curl; Node's own fetch checks /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# No npm in between: SIGTERM reaches the proxy directly and it drains in-flight streams (SHUTDOWN_GRACE_SECONDS)
# before exiting 0.
CMD ["node", "--enable-source-maps", "dist/proxy/main.js"]
