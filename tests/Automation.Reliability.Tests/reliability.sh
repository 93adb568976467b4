#!/usr/bin/env bash
# The reliability suite (docs/operations.md): 2 and 3 nodes on PostgreSQL and 1 node on SQLite as processes, a steady
# load of orders, payments, webhooks and client emails with bad input mixed in, nodes killed with SIGKILL and
# restarted at random moments (and, on 2 nodes, one killed for good); then every order is checked. Prints one summary
# line per scenario.
#
#   tests/Automation.Reliability.Tests/reliability.sh              # the size CI runs (a few minutes)
#   tests/Automation.Reliability.Tests/reliability.sh --soak       # a long soak: 600 orders and 20 kills per scenario
#   RELIABILITY_ORDERS=100 RELIABILITY_KILLS=6 RELIABILITY_SEED=42 tests/Automation.Reliability.Tests/reliability.sh
#
# PostgreSQL: AUTOMATION_TEST_POSTGRES names a server (each scenario creates and drops its own database); without it
# a throwaway cluster is started from /usr/lib/postgresql/15/bin. Extra arguments go to `dotnet test`
# (e.g. --filter FullyQualifiedName~SQLite).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--soak" ]]; then
  shift
  export RELIABILITY_ORDERS="${RELIABILITY_ORDERS:-600}" RELIABILITY_RATE="${RELIABILITY_RATE:-4}" RELIABILITY_KILLS="${RELIABILITY_KILLS:-20}"
fi
log="$(mktemp -t reliability-XXXXXX.log)"
status=0
dotnet test tests/Automation.Reliability.Tests --logger "console;verbosity=detailed" "$@" >"$log" 2>&1 || status=$?
grep -E "node\(s\) on|^\s+(Passed|Failed) |Total tests|Passed!|Failed!" "$log" || true
[[ $status -eq 0 ]] || echo "reliability suite failed; full output in $log"
exit $status
