#!/usr/bin/env bash
# Runs usage-ledger on an embedded stack: real Kafka (KRaft), MariaDB and Redis, relay-api and
# usage-consumer as their own processes, and a demo relay sending realistic traffic.
# Builds first when the jars are missing or older than the sources (tests skipped; `mvn -B verify`
# runs them). Extra arguments go to the demo, e.g. --events 20000; --help lists them.
set -euo pipefail
cd "$(dirname "$0")"
jar=demo/target/usage-ledger-demo-exec.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path '*/target' -prune -o -path ./.git -prune -o -path ./.demo -prune -o \
        -type f \( -path '*/src/*' -o -name pom.xml -o -path './sql/*' \) -newer "$jar" -print -quit)" ]; then
    echo "building usage-ledger (tests skipped) ..."
    mvn -B -q install -DskipTests
fi
exec java -jar "$jar" "$@"
