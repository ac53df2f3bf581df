# The backend and worker image for docker-compose.yml (team deployment).

# The web app's static build (react-admin, Vite): Node is needed only here.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./
RUN npm run build

# Debian 12, as CI: its postgresql-client (pg_dump, pg_restore for `evidence backup` and
# `restore`) is 15, the major version of the compose file's server.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# LibreOffice renders DOCX files so their page numbers are those a reader sees; Tesseract
# and its language packs read scans and images (ingest/ocr.py).
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
      libreoffice-writer-nogui fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2 \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-cym tesseract-ocr-pol \
      tesseract-ocr-urd \
      postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The locked versions first (a layer that changes only with the lock), hash-checked.
COPY requirements/app.lock ./requirements/
RUN pip install --require-hashes -r requirements/app.lock
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY ingest ./ingest
COPY search ./search
RUN pip install --no-deps --no-build-isolation .
COPY --from=web /web/dist ./web/dist
# A fixed uid, so a host folder for backups can be given to it (chown 10001 backups).
RUN useradd --system --uid 10001 --home /data evidence && mkdir -p /data /backups \
    && chown evidence /data /backups
USER evidence
ENV EVIDENCE_DATA_DIR=/data WEB_DIST=/app/web/dist
EXPOSE 8000
CMD ["evidence", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-worker"]
