#!/usr/bin/env bash
# Backs up Drin's database: `pg_dump --format=custom` of DATABASE_URL (from the environment, else
# .env beside this folder) into BACKUP_DIR as drin-<UTC time>.dump, keeping the newest KEEP.
# With no DATABASE_URL (the embedded database) it archives DATA_DIR instead — stop the daemon
# first (pm2 stop drin): the embedded database's files are only consistent at rest.
# SECRETS_KEY is not in the backup and must be kept apart (a password manager): without it the
# WhatsApp auth state and every sealed secret in the dump cannot be opened.
# Restore: scripts/restore.sh <file> (README, "Backups and restore").
set -euo pipefail
cd "$(dirname "$0")/.."

env_value() {
  # The variable from the environment, else its line in .env (first match, quotes stripped).
  local name=$1 value=${!1:-}
  if [ -z "$value" ] && [ -f .env ]; then
    value=$(grep -E "^${name}=" .env | head -n1 | cut -d= -f2- | sed -e 's/^"//' -e 's/"$//' -e "s/^'//" -e "s/'$//")
  fi
  printf '%s' "$value"
}

backup_dir=${BACKUP_DIR:-/var/backups/drin}
keep=${KEEP:-14}
database_url=$(env_value DATABASE_URL)
data_dir=$(env_value DATA_DIR)
data_dir=${data_dir:-sessions}
# To the millisecond: two runs in one second never share a name.
stamp=$(date -u +%Y%m%dT%H%M%S.%3NZ)

mkdir -p "$backup_dir"
chmod 700 "$backup_dir"
umask 077

if [ -n "$database_url" ]; then
  file="$backup_dir/drin-$stamp.dump"
  pg_dump --format=custom --no-owner --file "$file.partial" "$database_url"
  pattern='drin-*.dump'
else
  file="$backup_dir/drin-$stamp.tar.gz"
  tar -czf "$file.partial" -C "$(dirname "$data_dir")" "$(basename "$data_dir")"
  pattern='drin-*.tar.gz'
fi
# Only a complete file carries the final name: a failed run never looks like a backup.
mv "$file.partial" "$file"
echo "backed up to $file ($(du -h "$file" | cut -f1))"

# Rotation: the newest $keep of this kind stay.
mapfile -t old < <(find "$backup_dir" -maxdepth 1 -name "$pattern" -printf '%T@ %p\n' | sort -rn | tail -n +"$((keep + 1))" | cut -d' ' -f2-)
for f in "${old[@]}"; do
  rm -f -- "$f"
  echo "removed $f (keeping the newest $keep)"
done
