#!/bin/bash
# Runs once, on the first start of the mysql container (empty data volume), from
# /docker-entrypoint-initdb.d. Creates the read-only account that stats-api, Grafana and analysts
# use: SELECT on usage_ledger.* only (tables and views created later by Flyway are covered by the
# wildcard). A user with a password belongs to the deployment, not to a Flyway migration: the
# migrating account may not create users, and the password would sit in git.
# The password comes from LEDGER_RO_DB_PASSWORD (docker-compose.yml); changing it later needs
# ALTER USER by hand, since this script does not run again.
# The mysql entrypoint sources this file into its own shell (which runs with `set -eo pipefail`),
# so strict mode is only switched on when the script runs on its own.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then set -euo pipefail; fi

ro_user="${LEDGER_RO_DB_USER:-ledger_ro}"
ro_password="${LEDGER_RO_DB_PASSWORD:?LEDGER_RO_DB_PASSWORD must be set}"
# SQL string literal: double any single quote and backslash.
ro_password_sql="${ro_password//\\/\\\\}"
ro_password_sql="${ro_password_sql//\'/\'\'}"

sql="CREATE USER IF NOT EXISTS '${ro_user}'@'%' IDENTIFIED BY '${ro_password_sql}';
GRANT SELECT ON \`usage_ledger\`.* TO '${ro_user}'@'%';
FLUSH PRIVILEGES;"

if declare -F docker_process_sql > /dev/null; then
    # sourced by the image's entrypoint (the usual case: the file is not executable in the image)
    docker_process_sql --database=mysql <<< "$sql"
else
    mysql --protocol=socket -uroot -p"${MYSQL_ROOT_PASSWORD}" mysql <<< "$sql"
fi
echo "01-read-only-user: read-only user '${ro_user}' ready (SELECT on usage_ledger.*)"
