#!/usr/bin/env bash
# Sets up Drin on a fresh Debian/Ubuntu VPS, from this checkout, as root. Idempotent: run it again
# after a change and each step says what it kept. Steps: packages (Node 22, PostgreSQL, Nginx,
# certbot, PM2), .env from .env.example with generated secrets (never overwriting an existing
# one), the database and its user, build, migrations, the Nginx site, PM2 (and its boot service),
# and TLS with certbot when DOMAIN is given.
#
#   DOMAIN=drin.example.com CERTBOT_EMAIL=ops@example.com scripts/setup-vps.sh
#
# Settings (environment): DOMAIN, CERTBOT_EMAIL, DB_NAME (drin), DB_USER (drin), PORT (3001),
# ENV_FILE (.env), NGINX_SITES (/etc/nginx/sites-available), NGINX_ENABLED
# (/etc/nginx/sites-enabled), NGINX_TEST (the command that checks Nginx: nginx -t), PG_ADMIN_URL (a
# superuser connection; default: psql as the postgres system user), SKIP (steps not to run, among
# packages build pm2 certbot).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

domain=${DOMAIN:-}
db_name=${DB_NAME:-drin}
db_user=${DB_USER:-drin}
port=${PORT:-3001}
env_file=${ENV_FILE:-.env}
sites=${NGINX_SITES:-/etc/nginx/sites-available}
enabled=${NGINX_ENABLED:-/etc/nginx/sites-enabled}
nginx_test=${NGINX_TEST:-nginx -t}
skip_list=" ${SKIP:-} "

say() { printf '== %s\n' "$*"; }
skipped() { [[ $skip_list == *" $1 "* ]]; }
psql_admin() {
  if [ -n "${PG_ADMIN_URL:-}" ]; then psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -Atq "$@"
  else runuser -u postgres -- psql -v ON_ERROR_STOP=1 -Atq "$@"; fi
}
env_value() { grep -E "^$1=" "$env_file" | head -n1 | cut -d= -f2- | sed -e 's/^"//' -e 's/"$//'; }
set_key() {
  # KEY=value in the file being written: the example's line replaced, else appended.
  local file=$1 key=$2 value=$3
  if grep -qE "^$key=" "$file"; then sed -i "s|^$key=.*|$key=$value|" "$file"; else printf '%s=%s\n' "$key" "$value" >> "$file"; fi
}

# ─── Packages ────────────────────────────────────────────────────────────────
if skipped packages; then say "packages: skipped"; else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq ca-certificates curl openssl postgresql nginx certbot python3-certbot-nginx >/dev/null
  if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
    curl -fsSL https://deb.nodesource.com/setup_22.x | bash - >/dev/null
    apt-get install -y -qq nodejs >/dev/null
  fi
  command -v pm2 >/dev/null || npm install -g pm2 >/dev/null
  say "packages: node $(node -v), $(psql --version | cut -d' ' -f3-), $(nginx -v 2>&1 | cut -d/ -f2), pm2 $(pm2 -v)"
fi

# ─── .env ────────────────────────────────────────────────────────────────────
if [ -f "$env_file" ]; then say "$env_file: kept (it is never overwritten)"; else
  umask 077
  draft="$env_file.new"
  cp .env.example "$draft"
  set_key "$draft" NODE_ENV production
  set_key "$draft" PORT "$port"
  set_key "$draft" DATABASE_URL "postgresql://$db_user:$(openssl rand -hex 24)@127.0.0.1:5432/$db_name"
  set_key "$draft" DRIN_API_KEY "$(openssl rand -hex 32)"
  set_key "$draft" SECRETS_KEY "$(openssl rand -hex 32)"
  mv "$draft" "$env_file"
  say "$env_file: written with generated DRIN_API_KEY, SECRETS_KEY and database password (keep SECRETS_KEY apart from backups)"
fi
port=$(env_value PORT)
port=${port:-3001}

# ─── Database and user ───────────────────────────────────────────────────────
database_url=$(env_value DATABASE_URL)
if [ -z "$database_url" ]; then say "database: none (DATABASE_URL is empty: the embedded database)"; else
  read -r url_user url_password url_db < <(node -e 'const u = new URL(process.argv[1]); console.log(decodeURIComponent(u.username), decodeURIComponent(u.password) || "-", u.pathname.slice(1))' "$database_url")
  vars=(-v user="$url_user" -v pw="$url_password" -v db="$url_db")
  had=$(psql_admin "${vars[@]}" <<'SQL'
SELECT (SELECT count(*) FROM pg_roles WHERE rolname = :'user') || '/' || (SELECT count(*) FROM pg_database WHERE datname = :'db');
SQL
  )
  psql_admin "${vars[@]}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'user', :'pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  case $had in
    1/1) say "database: $url_db and its user $url_user already there" ;;
    *) say "database: created $([ "${had%/*}" = 0 ] && echo "the user $url_user and ")the database $url_db" ;;
  esac
fi

# ─── Build and migrations ────────────────────────────────────────────────────
if skipped build; then say "build: skipped"; else
  npm ci --no-audit --no-fund >/dev/null
  npm run build >/dev/null
  say "build: dist/ from $(git rev-parse --short HEAD 2>/dev/null || echo 'this checkout')"
fi
say "migrations: $(ENV_FILE="$env_file" npm run --silent db:migrate)"

# ─── Nginx ───────────────────────────────────────────────────────────────────
mkdir -p "$sites" "$enabled"
site="$sites/drin.conf"
rendered=$(sed -e "s|server 127.0.0.1:3001;|server 127.0.0.1:$port;|" -e "s|server_name _;|server_name ${domain:-_};|" nginx/drin.conf)
if [ -f "$site" ] && [ "$(cat "$site")" = "$rendered" ]; then say "nginx: $site unchanged"; else
  printf '%s\n' "$rendered" > "$site"
  say "nginx: wrote $site"
fi
[ -e "$enabled/drin.conf" ] || ln -s "$site" "$enabled/drin.conf"
$nginx_test
if ! skipped pm2 && command -v systemctl >/dev/null; then systemctl reload nginx || systemctl start nginx; fi

# ─── PM2 ─────────────────────────────────────────────────────────────────────
if skipped pm2; then say "pm2: skipped"; else
  if pm2 describe drin >/dev/null 2>&1; then pm2 reload ecosystem.config.js >/dev/null; say "pm2: drin reloaded"
  else pm2 start ecosystem.config.js >/dev/null; say "pm2: drin started"; fi
  pm2 save >/dev/null
  pm2 startup systemd -u "$(id -un)" --hp "$HOME" >/dev/null
  say "pm2: saved, and started at boot (systemd)"
fi

# ─── TLS ─────────────────────────────────────────────────────────────────────
if [ -z "$domain" ] || skipped certbot; then say "tls: skipped (no DOMAIN)"; else
  if [ -d "/etc/letsencrypt/live/$domain" ]; then say "tls: a certificate for $domain is there (certbot renews it)"; else
    email=(--register-unsafely-without-email)
    [ -z "${CERTBOT_EMAIL:-}" ] || email=(-m "$CERTBOT_EMAIL")
    certbot --nginx -d "$domain" --non-interactive --agree-tos "${email[@]}" --redirect
    say "tls: certificate for $domain installed"
  fi
  say "tls: add 'include $root/nginx/tls-intermediate.conf;' to the 443 server block certbot wrote in $site, then nginx -t && systemctl reload nginx"
fi
say "done: curl http://127.0.0.1:$port/health"
