# Brygga production image: gunicorn + WhiteNoise for the web, and the same image for the Celery
# worker, beat and the one-shot migrate (see docker-compose.yml and docs/operations.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings

# The Debian packages of scripts/system-deps.sh without chromium (only the browser tests need it):
# Pango/HarfBuzz and fonts for WeasyPrint, poppler-utils, gettext for compilemessages.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 poppler-utils gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 brygga \
    && useradd --system --uid 10001 --gid brygga --create-home --home-dir /home/brygga \
        --shell /usr/sbin/nologin brygga

# Runtime dependencies only: pyproject.toml installs no packages of its own
# ([tool.setuptools] packages = []), so installing the project installs exactly its pinned
# dependencies, with the transitive pins from requirements/constraints.txt.
COPY pyproject.toml /tmp/brygga-deps/pyproject.toml
COPY requirements/constraints.txt /tmp/brygga-deps/requirements/constraints.txt
RUN cd /tmp/brygga-deps \
    && pip install -c requirements/constraints.txt . \
    && cd / && rm -rf /tmp/brygga-deps

WORKDIR /app
COPY . /app

# Static files (hashed and compressed by WhiteNoise) and translations are built into the image.
# Settings must import without any server: the URLs below are never connected to at build time
# (with DATABASE_URL and REDIS_URL set, settings start no embedded server).
RUN DATABASE_URL=postgres://x@localhost/x REDIS_URL=redis://localhost:6379/0 SECRET_KEY=build-only \
    sh -c 'python manage.py collectstatic --noinput \
        && if find . -name "*.po" -print -quit | grep -q .; then \
               python manage.py compilemessages; \
           fi'

# Attachments (BRYGGA_FILES_DIR) and the beat schedule live under /var/lib/brygga, owned by the
# app user so that named volumes mounted there inherit that owner. The code stays root-owned.
RUN mkdir -p /var/lib/brygga/files \
    && chown -R brygga:brygga /var/lib/brygga \
    && chmod 700 /var/lib/brygga/files

USER brygga
EXPOSE 8000

# The access log leaves out the query string (%(U)s is the path only; %(r)s and %(q)s would
# include it), the referer, the user agent and the client address: no personal data in logs.
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--access-logfile", "-", \
     "--access-logformat", "%(t)s %(m)s %(U)s %(H)s %(s)s %(B)s %(M)sms"]
