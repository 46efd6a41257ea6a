package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link DeadlockRetryIT} again with the writer on the {@code LOAD DATA} path (the default on MariaDB):
 * the deadlocks and the killed connection hit its {@code INSERT … SELECT} from the staging table, after the ledger
 * rows and id claims were loaded in the same transaction.
 */
class DeadlockRetryLoadDataIT extends DeadlockRetryIT {

    private static final LoadDataDirectory DIRECTORY =
            LoadDataDirectory.in(Path.of("target", "it-local-infile-deadlock"));
    private static final LoadDataSink LOCAL_INFILE = new LoadDataSink(DIRECTORY);

    /** Hides {@link DeadlockRetryIT#database()}: connections allowed to load from the directory. */
    @BeforeAll
    static void database() throws SQLException {
        open(TestDatabase.freshDatabase("deadlock_load_it") + "&allowLoadLocalInfileInPath="
                + DIRECTORY.directory());
    }

    @Override
    ProjectionSink sink() {
        return LOCAL_INFILE;
    }

    /** The upsert from the staging table names no key: a writer's statement is the only one that reads it. */
    @Override
    String writerStatsUpsert(String key) {
        return "INSERT INTO usage_stats (%) SELECT % FROM tmp_load_usage_stats ORDER BY %";
    }

    @Test
    void theServerAllowsLoadingSoEveryTestHereLoads() throws SQLException {
        try (Connection c = ds.getConnection()) {
            assertThat(LOCAL_INFILE.usable(c)).isTrue();
        }
    }
}
