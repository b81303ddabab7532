#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into DATABASE_URL (from the environment, else .env):
# a .dump with pg_restore into an empty database (it refuses one that holds Drin's tables, unless
# --replace, which drops them first); a .tar.gz (the embedded database) into DATA_DIR, which must
# not exist yet. Stop the daemon first (pm2 stop drin); start it afterwards with the SAME
# SECRETS_KEY the backup was made under, and the slots resume without a QR.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/restore.sh <backup file> [--replace]" >&2; exit 2; }
[ $# -ge 1 ] || usage
file=$1
replace=${2:-}
[ -z "$replace" ] || [ "$replace" = --replace ] || usage
[ -f "$file" ] || { echo "no such backup: $file" >&2; exit 2; }

env_value() {
  local name=$1 value=${!1:-}
  if [ -z "$value" ] && [ -f .env ]; then
    value=$(grep -E "^${name}=" .env | head -n1 | cut -d= -f2- | sed -e 's/^"//' -e 's/"$//' -e "s/^'//" -e "s/'$//")
  fi
  printf '%s' "$value"
}

case "$file" in
  *.dump)
    database_url=$(env_value DATABASE_URL)
    [ -n "$database_url" ] || { echo "DATABASE_URL is not set (environment or .env)" >&2; exit 2; }
    tables=$(psql "$database_url" -Atc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '_prisma_migrations'")
    if [ "$tables" != 0 ] && [ "$replace" != --replace ]; then
      echo "the database already holds Drin's tables: restore into an empty one, or pass --replace to drop them first" >&2
      exit 3
    fi
    flags=(--no-owner --exit-on-error --single-transaction)
    [ "$replace" = --replace ] && flags+=(--clean --if-exists)
    pg_restore "${flags[@]}" --dbname "$database_url" "$file"
    ;;
  *.tar.gz)
    data_dir=$(env_value DATA_DIR)
    data_dir=${data_dir:-sessions}
    [ ! -e "$data_dir" ] || { echo "$data_dir exists: move it away first" >&2; exit 3; }
    mkdir -p "$(dirname "$data_dir")"
    tar -xzf "$file" -C "$(dirname "$data_dir")"
    ;;
  *) echo "not a Drin backup (.dump or .tar.gz): $file" >&2; exit 2 ;;
esac
echo "restored $file; start the daemon with the SECRETS_KEY the backup was made under"
