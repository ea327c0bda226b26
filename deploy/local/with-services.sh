#!/usr/bin/env bash
# Runs a command on the supported Node.js (node.sh) with the cluster's servers up (Redis, Kafka, Cassandra; see
# services.sh), helm, promtool and Chromium installed (helm.sh, promtool.sh, chromium.sh), the servers' addresses in
# OCS_TEST_* variables, and OCS_REQUIRE_SERVICES=1 so real-server test suites cannot be skipped. Servers this script
# started are stopped afterwards; ones already running are left as they were.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
started=()
for name in redis kafka cassandra; do
  if ! bash "$HERE/services.sh" status "$name" | grep -q running; then started+=("$name"); fi
done
cleanup() { ((${#started[@]} == 0)) || bash "$HERE/services.sh" down "${started[@]}"; }
trap cleanup EXIT
((${#started[@]} == 0)) || bash "$HERE/services.sh" up "${started[@]}"
while IFS= read -r line; do export "${line?}"; done < <(bash "$HERE/services.sh" env)
# The chart tests render helm/ with helm, built once from the Go module proxy (minutes the first time): before
# the tests start, not while they run.
bash "$HERE/helm.sh" >/dev/null
# promtool likewise, for the chart's alert rules; if it cannot be built the chart test says why.
bash "$HERE/promtool.sh" >/dev/null || true
# The web console's tests drive Chromium (puppeteer-core), installed once from Debian packages.
OCS_CHROMIUM="$(bash "$HERE/chromium.sh")"
export OCS_CHROMIUM
# The tests run on the Node.js release the product supports, fetched once if the machine's node is another one;
# processes the tests spawn (process.execPath) run on it too.
PATH="$(bash "$HERE/node.sh"):$PATH"
export PATH
export OCS_REQUIRE_SERVICES=1
"$@"
