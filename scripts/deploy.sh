#!/usr/bin/env bash
# Deploys the newest main on the VPS: pull (fast-forward only), npm ci, build, migrate, pm2
# reload, then waits for /ready. When the new code does not come up ready, it rolls the code back
# to the commit it replaced (rebuilt and reloaded) and exits 1. Migrations are not rolled back:
# they are written to be compatible with the release before them (add, backfill, then drop in a
# later release), so the previous code runs on the migrated database.
#
#   scripts/deploy.sh            # BRANCH (main), READY_TIMEOUT_S (120)
set -euo pipefail
cd "$(dirname "$0")/.."

branch=${BRANCH:-main}
timeout_s=${READY_TIMEOUT_S:-120}
port=$(grep -E '^PORT=' .env 2>/dev/null | head -n1 | cut -d= -f2-)
port=${PORT:-${port:-3001}}
say() { printf '== %s\n' "$*"; }

ready() {
  local deadline=$((SECONDS + timeout_s))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/ready"; then return 0; fi
    sleep 2
  done
  return 1
}

install_and_reload() {
  npm ci --no-audit --no-fund >/dev/null
  npm run build >/dev/null
  npm run --silent db:migrate
  pm2 reload ecosystem.config.js --update-env >/dev/null
}

previous=$(git rev-parse HEAD)
git fetch --quiet origin "$branch"
git merge --ff-only --quiet "origin/$branch"
current=$(git rev-parse HEAD)
if [ "$current" = "$previous" ]; then say "already at $(git rev-parse --short HEAD): nothing to deploy"; exit 0; fi
say "deploying $(git rev-parse --short "$previous") → $(git rev-parse --short "$current")"

if install_and_reload && ready; then
  say "ready on :$port at $(git rev-parse --short HEAD)"
  exit 0
fi

say "not ready within ${timeout_s}s: rolling the code back to $(git rev-parse --short "$previous") (pm2 logs drin says why)"
git reset --hard --quiet "$previous"
install_and_reload
if ready; then say "rolled back: ready at $(git rev-parse --short HEAD)"; else say "rolled back, and still not ready: see pm2 logs drin"; fi
exit 1
