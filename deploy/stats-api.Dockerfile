# stats-api image. Build context: ./stats-api (see docker-compose.yml), so only that module's files
# are sent to the engine. Build the jar first, from the repository root:
#   mvn -B -DskipTests package        # produces stats-api/target/stats-api-exec.jar
#   docker-compose build stats-api
FROM eclipse-temurin:17-jre

# /usr/local/bin/healthcheck PORT: exits 0 when GET /actuator/health/readiness answers "status":"UP"
# (readiness is the app itself: MySQL down answers 503 per request, Kafka and Redis are never used).
# Written with bash's /dev/tcp because the base image does not promise curl or wget.
RUN set -eu; \
    printf '%s\n' \
      '#!/bin/bash' \
      'exec 3<>"/dev/tcp/127.0.0.1/${1:-8082}" || exit 1' \
      'printf "GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\nAccept: application/json\r\n\r\n" >&3' \
      'timeout 4 grep -q "\"status\":\"UP\"" <&3' \
      > /usr/local/bin/healthcheck; \
    chmod 755 /usr/local/bin/healthcheck; \
    groupadd --system ledger; \
    useradd --system --gid ledger --home-dir /app --no-create-home --shell /usr/sbin/nologin ledger; \
    mkdir -p /app; chown ledger:ledger /app

WORKDIR /app
COPY target/stats-api-exec.jar /app/stats-api.jar

USER ledger
EXPOSE 8082
# JVM flags come from JAVA_TOOL_OPTIONS (set in docker-compose.yml); Spring settings from the
# environment (SPRING_*, LEDGER_*).
ENTRYPOINT ["java", "-jar", "/app/stats-api.jar"]
