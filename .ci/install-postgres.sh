#!/usr/bin/env bash
# PostgreSQL for the gradebook test (tests/test_grading_postgres.py, docs/grading.md): Debian's
# server package, started, with a role and database for the tests. Idempotent; needs root or sudo.
# The test reads CS_TEST_POSTGRES_URL (default below) and skips with the reason if it cannot connect.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
as_postgres() { if [ -z "$SUDO" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  $SUDO pg_createcluster "$version" main >/dev/null
fi
pg_lsclusters -h | grep -q "^$version main .* online" || $SUDO pg_ctlcluster "$version" main start
for _ in $(seq 30); do
  as_postgres psql -qAtc "select 1" >/dev/null 2>&1 && break
  sleep 1
done
# A role and database for the tests, with a password, over TCP on localhost.
as_postgres psql -qAt <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nbgrader') THEN
    CREATE ROLE nbgrader LOGIN PASSWORD 'nbgrader' CREATEDB;
  END IF;
END $$;
SQL
as_postgres psql -qAtc "select 1 from pg_database where datname = 'nbgrader_test'" | grep -q 1 \
  || as_postgres createdb -O nbgrader nbgrader_test
echo "postgresql $version: online, database nbgrader_test (postgresql://nbgrader:nbgrader@localhost/nbgrader_test)"
