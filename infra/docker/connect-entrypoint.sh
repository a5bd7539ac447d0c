#!/bin/bash
# Writes the CDC role's password from CDC_DATABASE_PASSWORD into a PostgreSQL password file the
# driver reads (PGPASSFILE), then starts Connect without that variable: the password is in no
# connector configuration, so in no Debezium message or REST answer that prints one.
set -euo pipefail
: "${CDC_DATABASE_HOST:?}" "${CDC_DATABASE_PORT:?}" "${CDC_DATABASE_USER:?}" "${CDC_DATABASE_PASSWORD:?}"
export PGPASSFILE="${PGPASSFILE:-$KAFKA_HOME/pgpass}"
escape() { printf '%s' "$1" | sed -e 's/[\\:]/\\&/g'; }
umask 077
printf '%s:%s:*:%s:%s\n' "$(escape "$CDC_DATABASE_HOST")" "$CDC_DATABASE_PORT" "$(escape "$CDC_DATABASE_USER")" \
  "$(escape "$CDC_DATABASE_PASSWORD")" > "$PGPASSFILE"
unset CDC_DATABASE_PASSWORD
exec /docker-entrypoint.sh "$@"
