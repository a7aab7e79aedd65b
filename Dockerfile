# One image for every process: the web app (gunicorn), the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    TPBIS_ENV=production \
    MEDIA_ROOT=/data/media

# WeasyPrint renders PDFs through Pango and HarfBuzz; the Noto fonts cover every script that
# participants' names are written in (Lao, Sinhala, Tamil, Devanagari, Myanmar, CJK, ...).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-noto-core poppler-utils \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY pyproject.toml README.md ./
COPY tpbis ./tpbis
COPY programs ./programs
COPY participants ./participants
COPY visits ./visits
COPY reports ./reports
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./

# Installs the pinned dependencies. The code itself runs from /app (PYTHONPATH), next to the
# templates, static files and translations that settings.py finds relative to it.
RUN pip install . \
    && rm -rf build ./*.egg-info

RUN pybabel compile --domain django --directory locale

# Static files are collected into the image with a throwaway key; the real SECRET_KEY and
# ALLOWED_HOSTS are given to the container at run time.
ARG BUILD_SECRET_KEY=collectstatic-only-not-used-at-run-time
ARG BUILD_ALLOWED_HOSTS=localhost
RUN TPBIS_ENV=production \
    SECRET_KEY="${BUILD_SECRET_KEY}" \
    ALLOWED_HOSTS="${BUILD_ALLOWED_HOSTS}" \
    python manage.py collectstatic --noinput

RUN useradd --create-home --user-group --uid 10001 tpbis \
    && mkdir -p /data/media \
    && chown tpbis:tpbis /data/media

USER tpbis

EXPOSE 8000

CMD ["gunicorn", "tpbis.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
