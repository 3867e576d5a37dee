#!/usr/bin/env bash
# with-postgres.sh CMD...: starts a throwaway PostgreSQL server (initdb and pg_ctl into a
# temporary folder, on a free port of 127.0.0.1), runs CMD with ZHIYUAN_TEST_POSTGRES_URL
# pointing at it, and stops and removes the server afterwards, also when CMD fails.
set -euo pipefail

bindir=""
if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
  bindir=$(dirname "$(command -v initdb)")
else
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then bindir=$d; break; fi
  done
fi
if [ -z "$bindir" ]; then
  echo "with-postgres: initdb not found; install the PostgreSQL server (apt-get install postgresql)" >&2
  exit 1
fi

tmp=$(mktemp -d /tmp/zhiyuan-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))

# PostgreSQL refuses to run as root: run it as the postgres user then.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi

stop() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT INT TERM

"${as_pg[@]}" "$bindir/initdb" -D "$tmp/data" -U zhiyuan --auth=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 ||
  "${as_pg[@]}" "$bindir/initdb" -D "$tmp/data" -U zhiyuan --auth=trust -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null ||
  { cat "$tmp/server.log" >&2; exit 1; }

export ZHIYUAN_TEST_POSTGRES_URL="postgres://zhiyuan@127.0.0.1:$port/postgres?sslmode=disable"
echo "with-postgres: PostgreSQL ($("$bindir/postgres" --version | awk '{print $3}')) on 127.0.0.1:$port" >&2
"$@"
