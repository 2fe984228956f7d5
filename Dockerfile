# restore-guard: the admission webhook image.
# Build:  docker build -t restore-guard .
# Run:    docker run --read-only -p 8443:8443 restore-guard serve --host 0.0.0.0

# --- build: all dependencies, compile TypeScript, then drop the dev ones.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# --- runtime: Node and production dependencies only, no shell, no npm.
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# Numeric, so Kubernetes can check runAsNonRoot. The filesystem can be read-only:
# restore-guard writes nothing (certificates come from files or memory).
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli.js"]
CMD ["serve", "--host", "0.0.0.0"]
