#!/usr/bin/env bash
# Load test of the case list (docs/performance.md): gunicorn with the production settings on
# the bench database, driven by wrk over loopback at 20 and 100 connections, 30 s each.
#
#   scripts/loadtest.sh            # after `make bench` has created and seeded brygga_bench
#
# Needs wrk (Debian: apt-get install -y wrk). Only 127.0.0.1 is ever targeted, and each run
# stops by itself after DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PORT=${PORT:-8077}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-"20 100"}
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/brygga_bench}
export BENCH_DATABASE_URL=$DATABASE_URL
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/9}
export BENCH_REDIS_URL=$REDIS_URL
# Production settings: DEBUG off, two-factor required, manifest static files. Only TLS is
# off, because wrk speaks plain HTTP on loopback.
export SECRET_KEY=${SECRET_KEY:-loadtest-only-not-secret}
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export SECURE_COOKIES=false
export LOG_LEVEL=WARNING
unset DEBUG BRYGGA_REQUIRE_2FA

command -v wrk >/dev/null || { echo "wrk saknas: apt-get install -y wrk" >&2; exit 1; }

$BIN/python manage.py collectstatic --noinput -v0
SESSION=$($BIN/python -m bench.session)
export BRYGGA_SESSION=$SESSION

$BIN/gunicorn config.wsgi -w 3 -b 127.0.0.1:$PORT --access-logfile /dev/null --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/konto/logga-in/" && break
  sleep 0.2
done
# The page must answer 200 for the session (not a redirect to the login or 2FA page).
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sessionid=$SESSION" \
  "http://127.0.0.1:$PORT/arenden/organisation/")
[ "$status" = 200 ] || { echo "ärendelistan svarade $status" >&2; exit 1; }

nproc_=$(nproc)
echo "Maskin: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $nproc_ kärnor"
echo "gunicorn -w 3 (sync), sida /arenden/organisation/, $DURATION per nivå"
# A short warm-up so that every worker has its connections and caches.
wrk -t2 -c4 -d5s -s scripts/loadtest.lua "http://127.0.0.1:$PORT" >/dev/null
for connections in $CONNECTIONS; do
  echo "== $connections samtidiga anslutningar"
  wrk -t2 -c"$connections" -d"$DURATION" --timeout 30s --latency -s scripts/loadtest.lua \
    "http://127.0.0.1:$PORT"
done
