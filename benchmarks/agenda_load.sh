#!/usr/bin/env bash
# Load test of the delegate's agenda page and calendar feed.
#
# Runs gunicorn (two sync workers) with production settings on PostgreSQL, loads a programme
# of 300 items and 2,000 participants, then drives each page with wrk for 20 seconds at eight
# connections and prints requests per second, median and 95th-percentile latency, every
# failure, and the gunicorn workers' CPU time per request. The feed is driven twice: plain
# GETs (every one builds the whole feed) and conditional GETs with the ETag of the last
# response (answered "304 Not Modified"). Only 127.0.0.1 is ever targeted.
#
# Nothing is cached: the page and the feed are rendered for every request, so the figures
# with and without a cache are the same ones. Targets (uncached CPU per request): agenda page
# at most 10 ms for a 30-item delegate and 60 ms for 300 items; the full feed at most 0.4 ms
# per event; a conditional GET that matches at most 3 ms.
#
# Environment: PGPORT, PGUSER (PostgreSQL on 127.0.0.1), BENCH_DB (database, default
# tpbis_bench), BENCH_REDIS_URL (Redis, default the
# local one), BENCH_PORT (gunicorn), DURATION (wrk), BENCH_DELEGATE_ITEMS (items of the
# benchmark delegate, default all 300).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
PORT=${BENCH_PORT:-8123}
DURATION=${DURATION:-20s}
BASE="http://127.0.0.1:$PORT"
DB=${BENCH_DB:-tpbis_bench}

if ! command -v wrk >/dev/null; then
  echo "Installing wrk…"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi
fi

createdb -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER" "$DB" 2>/dev/null || echo "Database $DB exists."

# Production settings, plain HTTP on the loopback interface, persistent connections as
# configured by default. Production runs with Redis, so the benchmark does too: sessions are
# read from it as in production.
STATIC_DIR=$(mktemp -d)
export TPBIS_ENV=production
export DEBUG=false
export SECRET_KEY
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export DATABASE_URL="postgres://$PGUSER@127.0.0.1:$PGPORT/$DB"
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}
export LOG_LEVEL=WARNING
export BENCH_STATIC_ROOT="$STATIC_DIR"
export DJANGO_SETTINGS_MODULE=benchmarks.bench_settings
export PYTHONPATH="$ROOT"
unset CONN_MAX_AGE

GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null; fi
  rm -rf "$STATIC_DIR"
}
trap cleanup EXIT

"$PY" manage.py migrate --noinput >/dev/null
"$PY" manage.py collectstatic --noinput >/dev/null
eval "$("$PY" benchmarks/agenda_data.py)"
# Fresh statistics, as autovacuum would have gathered after the bulk load.
psql -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER" -d "$DB" -qc ANALYZE
AGENDA="$BASE/me/agenda/"
FEED="$BASE/calendar/$FEED_TOKEN.ics"

"$GUNICORN" tpbis.wsgi -w 2 -b "127.0.0.1:$PORT" --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 60); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$FEED")" = "200" ]; then break; fi
  sleep 0.5
done

# Both pages must answer 200 (a 302 would mean the session cookie was not accepted).
for url in "$AGENDA" "$FEED"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $SESSION_COOKIE" "$url")
  if [ "$status" != "200" ]; then
    echo "$url answered $status, not 200" >&2
    exit 1
  fi
done

# CPU time (user + system, in clock ticks) used so far by the gunicorn workers: divided by
# the requests served it gives the cost of a request whatever else runs on the machine.
worker_ticks() {
  local total=0 pid
  for pid in $(pgrep -P "$GUNICORN_PID"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
TICKS_PER_SECOND=$(getconf CLK_TCK)

ETAG=$(curl -s -o /dev/null -D - "$FEED" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
status=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$FEED")
if [ "$status" != "304" ]; then
  echo "A conditional GET with the feed's ETag answered $status, not 304" >&2
  exit 1
fi

echo "Delegate with $DELEGATE_ITEMS items; gunicorn with 2 sync workers; wrk -t2 -c8 -d$DURATION"
echo "No cache: every request renders the page or builds the feed (with and without a cache"
echo "alike), except conditional GETs of the feed that match its ETag (304)."
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
# name, URL, extra header
runs=(
  "agenda page|$AGENDA|Cookie: $SESSION_COOKIE"
  "feed, full|$FEED|"
  "feed, conditional (304)|$FEED|If-None-Match: $ETAG"
)
for run in "${runs[@]}"; do
  IFS='|' read -r name url header <<<"$run"
  # The agenda is read signed in; calendar apps fetch the feed without any cookie.
  extra=()
  if [ -n "$header" ]; then extra=(-H "$header"); fi
  # A short warm-up fills the template and time-zone caches of both workers.
  wrk -t2 -c8 -d3s "${extra[@]}" "$url" >/dev/null
  echo
  echo "== $name: ${url/$FEED_TOKEN/<token>}"
  before=$(worker_ticks)
  # wrk counts 304 as a success, and so does the report (2xx or 304).
  report=$(wrk -t2 -c8 -d"$DURATION" --latency -s benchmarks/agenda_report.lua \
    "${extra[@]}" "$url" | sed -n '/^requests:/,$p')
  used=$(($(worker_ticks) - before))
  echo "$report"
  requests=$(echo "$report" | awk '/^requests:/ {print $2}')
  awk -v ticks="$used" -v hz="$TICKS_PER_SECOND" -v n="$requests" -v items="$DELEGATE_ITEMS" \
    -v name="$name" 'BEGIN {
      if (n == 0) exit
      ms = 1000 * ticks / hz / n
      printf "gunicorn CPU per request: %.1f ms\n", ms
      if (name == "feed, full" && items > 0) printf "feed CPU per event: %.2f ms\n", ms / items
    }'
done
