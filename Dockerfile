# The backend and worker image for docker-compose.yml (team deployment).

# The web app's static build (react-admin, Vite): Node is needed only here.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY ingest ./ingest
COPY search ./search
RUN pip install .
COPY --from=web /web/dist ./web/dist
RUN useradd --system --home /data evidence && mkdir -p /data && chown evidence /data
USER evidence
ENV EVIDENCE_DATA_DIR=/data WEB_DIST=/app/web/dist
EXPOSE 8000
CMD ["evidence", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-worker"]
