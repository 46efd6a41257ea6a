#!/usr/bin/env bash
# Runs usage-ledger on an embedded stack: real Kafka (KRaft), MariaDB and Redis, relay-api and
# usage-consumer as their own processes, and a demo relay sending realistic traffic. Builds first
# (tests skipped; `mvn -B verify` runs them). Extra arguments go to the demo, e.g. --events 20000.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q install -DskipTests
exec java -jar demo/target/usage-ledger-demo-exec.jar "$@"
