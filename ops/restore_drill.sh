#!/usr/bin/env bash
# Backup and restore drill (README: "Sao lưu và khôi phục" / "Backup and restore").
#
# Dumps the PostgreSQL database DATABASE_URL names (pg_dump), restores the dump into a new database, and proves
# the copy whole: the audit log verifies against a checkpoint file kept off the server (verify_audit --against)
# and the consistency checker finds 0 problems (check_consistency). The restored copy is dropped at the end
# unless --keep is given. Exit 0 only when every step passed.
#
#   DATABASE_URL=postgres://user@host:5432/hoctap ops/restore_drill.sh [--checkpoint FILE] [--keep]
#   DATABASE_URL=postgres://user@host:5432/hoctap_drill ops/restore_drill.sh --seed-demo   # CI: on demo data
#
# --checkpoint FILE: the last checkpoint file downloaded from the integrity page (default: one written now, from
#                    the source database, before the dump).
# --seed-demo:       first (re)create the source database with the demo data (DROPS it: never on production).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"

checkpoint="" keep=0 seed=0
while [ $# -gt 0 ]; do
  case "$1" in
    --checkpoint) checkpoint="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --seed-demo) seed=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

source_url="${DATABASE_URL%%\?*}"
server="${source_url%/*}"
name="${source_url##*/}"
restored="${name}_restored_$(date -u +%Y%m%d%H%M%S)"
work="$(mktemp -d)"
cleanup() {
  if [ "$keep" -eq 0 ]; then
    psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS \"$restored\"" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

if [ "$seed" -eq 1 ]; then
  step "source: $name, recreated with the demo data"
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS \"$name\"" >/dev/null
  psql -q "$server/postgres" -c "CREATE DATABASE \"$name\"" >/dev/null
  DATABASE_URL="$source_url" "$PY" manage.py migrate --no-input -v 0
  DATABASE_URL="$source_url" "$PY" manage.py seed_demo --households 30 >"$work/seed.log" 2>&1 \
    || { cat "$work/seed.log"; exit 1; }
fi

if [ -z "$checkpoint" ]; then
  step "checkpoint of the source, written off the database ($work/checkpoint.json)"
  checkpoint="$work/checkpoint.json"
  DATABASE_URL="$source_url" "$PY" manage.py audit_checkpoint --now --out "$checkpoint"
fi

step "dump: pg_dump $name"
pg_dump --format=custom --no-owner --dbname="$source_url" --file="$work/dump.pgc"
ls -l "$work/dump.pgc"

step "restore into the new database $restored"
psql -q "$server/postgres" -c "CREATE DATABASE \"$restored\"" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$server/$restored" "$work/dump.pgc"

step "the restored copy: migrations, audit log against the checkpoint file, consistency"
export DATABASE_URL="$server/$restored"
"$PY" manage.py migrate --check --no-input
"$PY" manage.py verify_audit --against "$checkpoint"
"$PY" manage.py check_consistency

step "restore drill passed: $name restored as $restored$([ "$keep" -eq 1 ] && echo " (kept)")"
