# usage-consumer image. Build context: ./usage-consumer (see docker-compose.yml), so only that module's files
# are sent to the engine. Build the jar first, from the repository root:
#   mvn -B -DskipTests package        # produces usage-consumer/target/usage-consumer-exec.jar
#   docker-compose build usage-consumer
FROM eclipse-temurin:17-jre

# /usr/local/bin/healthcheck PORT: exits 0 when GET /actuator/health answers "status":"UP".
# Written with bash's /dev/tcp because the base image does not promise curl or wget.
RUN set -eu; \
    printf '%s\n' \
      '#!/bin/bash' \
      'exec 3<>"/dev/tcp/127.0.0.1/${1:-8081}" || exit 1' \
      'printf "GET /actuator/health HTTP/1.0\r\nHost: localhost\r\nAccept: application/json\r\n\r\n" >&3' \
      'timeout 4 grep -q "\"status\":\"UP\"" <&3' \
      > /usr/local/bin/healthcheck; \
    chmod 755 /usr/local/bin/healthcheck; \
    groupadd --system ledger; \
    useradd --system --gid ledger --home-dir /app --no-create-home --shell /usr/sbin/nologin ledger; \
    mkdir -p /app; chown ledger:ledger /app

WORKDIR /app
COPY target/usage-consumer-exec.jar /app/usage-consumer.jar

USER ledger
EXPOSE 8081
# JVM flags come from JAVA_TOOL_OPTIONS (docker-compose.yml sets the same default as below); Spring settings
# from the environment (SPRING_*, LEDGER_*). 192 MB of heap keeps the app within 512 MB resident.
ENV JAVA_TOOL_OPTIONS="-Xms64m -Xmx192m -XX:+UseSerialGC -Djdk.nio.maxCachedBufferSize=262144 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/usage-consumer.jar"]
