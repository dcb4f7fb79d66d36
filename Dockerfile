# FlashTicket in a container: `flashticket serve` on $PORT, as a user without rights,
# installed from the lock file (every dependency pinned by hash).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements/main.lock requirements/main.lock
RUN pip install --require-hashes -r requirements/main.lock

COPY pyproject.toml README.md ./
COPY bot bot
COPY flashticket_core flashticket_core
COPY migrations migrations
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 flashticket \
    && mkdir /data && chown flashticket /data

USER flashticket
# SQLite in the volume by default; compose.yaml points DATABASE_URL at PostgreSQL.
ENV PORT=3000 \
    DATABASE_URL=sqlite:////data/tickets.db
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/healthz', timeout=4)"]
CMD ["flashticket", "serve"]
