#!/usr/bin/env bash
# The tests run every database test on PostgreSQL too: make sure one answers on 5432.
set -euo pipefail
HOST=${PGHOST:-127.0.0.1}
port_open() { (exec 3<>"/dev/tcp/$HOST/5432") 2>/dev/null; }

if ! port_open && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "PostgreSQL is installed but not running: starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do port_open && break; sleep 1; done
fi
if ! port_open; then
  cat >&2 <<MSG
No PostgreSQL answers on $HOST:5432 (the tests use it beside SQLite). Get one with either:
  sudo apt-get install postgresql             (Debian/Ubuntu; local connections must be trusted
                                               or set VANPHONG_TEST_PG to an admin URL)
  docker compose -f deploy/docker-compose.yml up -d postgres
MSG
  exit 1
fi
echo "PostgreSQL is up on $HOST:5432"
