package dev.usageledger.relayapi.it;

import dev.usageledger.stack.EmbeddedMariaDb;
import dev.usageledger.stack.EmbeddedRedis;
import org.flywaydb.core.Flyway;

/**
 * One real MariaDB (migrated, as usage-consumer would) and one real Redis for every integration test of this module;
 * stopped by shutdown hooks. relay-api itself never migrates.
 */
final class SharedStores {

    private static EmbeddedMariaDb mariaDb;
    private static EmbeddedRedis redis;
    private static String jdbcUrl;

    private SharedStores() {}

    static synchronized String jdbcUrl() {
        if (mariaDb == null) {
            EmbeddedMariaDb started = EmbeddedMariaDb.start(SharedKafka.newDataDir("shared-mariadb-"), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-mariadb-stop"));
            started.createDatabase("usage_ledger");
            jdbcUrl = started.jdbcUrl("usage_ledger");
            Flyway.configure().dataSource(jdbcUrl, EmbeddedMariaDb.USER, EmbeddedMariaDb.PASSWORD)
                    .locations("classpath:db/migration").load().migrate();
            mariaDb = started;
        }
        return jdbcUrl;
    }

    static synchronized EmbeddedRedis redis() {
        if (redis == null) {
            EmbeddedRedis started = EmbeddedRedis.start(SharedKafka.newDataDir("shared-redis-"), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-redis-stop"));
            redis = started;
        }
        return redis;
    }
}
