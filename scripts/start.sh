#!/usr/bin/env bash
# One command: install, build, migrate, bootstrap the bank, start API and worker, load demo data,
# print where to go and how to log in. Ctrl-C stops both processes.
set -euo pipefail
cd "$(dirname "$0")/.."
# A laptop demo: the built-in development JWT secret and encryption key are public and are
# accepted only under NODE_ENV=development or test (unset means production, which refuses them).
export NODE_ENV=development
export PORT="${PORT:-3000}"
export CLOCK="${CLOCK:-system}"
RUN_DIR=.run
mkdir -p "$RUN_DIR"

command -v node >/dev/null || { echo "Node.js 20.19+ is required: https://nodejs.org"; exit 1; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

echo "==> building"
npm run build >/dev/null

echo "==> checking PostgreSQL and Redis, applying migrations"
node dist/apps/cli/src/migrate.js

echo "==> bootstrapping the first bank"
node dist/apps/cli/src/bootstrap-bank.js

echo "==> starting API and worker (logs in $RUN_DIR/)"
# A heap cap keeps each process within its memory budget (V8 otherwise grows lazily).
export NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=192}"
node dist/apps/api/src/main.js >"$RUN_DIR/api.log" 2>&1 &
API_PID=$!
node dist/apps/worker/src/main.js >"$RUN_DIR/worker.log" 2>&1 &
WORKER_PID=$!
trap 'kill -TERM $API_PID $WORKER_PID 2>/dev/null; wait $API_PID $WORKER_PID 2>/dev/null; exit 0' INT TERM

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/health/live" >/dev/null 2>&1 && break
  kill -0 $API_PID 2>/dev/null || { echo "the API stopped; see $RUN_DIR/api.log:"; tail -20 "$RUN_DIR/api.log"; exit 1; }
  sleep 0.5
done

echo "==> loading demo data"
node dist/apps/cli/src/seed-demo.js "http://127.0.0.1:$PORT"

echo "API and worker are running (Ctrl-C stops them)."
wait $API_PID $WORKER_PID
