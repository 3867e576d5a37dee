#!/usr/bin/env bash
# test-summary.sh LOG: reads `go test -v` output on stdin, keeps all of it in LOG and
# prints what a person needs from it: each package's result, the tests that failed (their
# messages are in LOG), and what was not run for want of a tool or a database, and why
# (the "not run:" skips of internal/testneed), counted.
set -uo pipefail
log=$1
mkdir -p "$(dirname "$log")"
tee "$log" | grep --line-buffered -E '^(ok|FAIL|panic:)|^ *--- FAIL'
echo
if grep -q 'not run: ' "$log"; then
  echo "Not run (tests skipped; ZHIYUAN_TEST_REQUIRE_*=1 makes them fail; details in $log):"
  grep -o 'not run: .*' "$log" | sed 's/^not run: //' | sort | uniq -c | sort -rn
else
  echo "Nothing was skipped for want of a tool or a database."
fi
echo "Full output: $log"
