# The backend and worker image for docker-compose.yml (team deployment).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY ingest ./ingest
COPY search ./search
RUN pip install .
# The web app's static build, when present, is served by the backend.
COPY web ./web
RUN useradd --system --home /data evidence && mkdir -p /data && chown evidence /data
USER evidence
ENV EVIDENCE_DATA_DIR=/data
EXPOSE 8000
CMD ["evidence", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-worker"]
