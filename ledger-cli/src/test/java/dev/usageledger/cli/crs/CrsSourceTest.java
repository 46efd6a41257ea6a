package dev.usageledger.cli.crs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What an import records of its source, and its id. */
class CrsSourceTest {

    private static final Instant CUTOFF = Instant.parse("2026-12-01T16:00:00Z");

    private static CrsSource source(String uri, String prefix, Instant cutoff) {
        return new CrsSource(URI.create(uri), prefix, CrsOffset.DEFAULT, cutoff);
    }

    @Test
    void theRecordedUriHasNoPassword() {
        assertThat(source("redis://:s3cret@crs-redis:6379/0", "", CUTOFF).safeUri())
                .isEqualTo("redis://crs-redis:6379/0");
        assertThat(source("rediss://relay:s3cret@crs-redis:6380", "", CUTOFF).safeUri())
                .isEqualTo("rediss://relay@crs-redis:6380");
        assertThat(source("redis://crs-redis:6379", "", CUTOFF).safeUri()).isEqualTo("redis://crs-redis:6379");
    }

    @Test
    void theIdDerivesFromSourcePrefixOffsetAndCutoffButNotThePassword() {
        String id = source("redis://:a@crs-redis:6379/0", "", CUTOFF).derivedId();
        assertThat(id).matches("crs-[0-9a-f]{16}");
        assertThat(source("redis://:b@crs-redis:6379/0", "", CUTOFF).derivedId()).isEqualTo(id);
        assertThat(source("redis://:a@crs-redis:6379/1", "", CUTOFF).derivedId()).isNotEqualTo(id);
        assertThat(source("redis://:a@crs-redis:6379/0", "p:", CUTOFF).derivedId()).isNotEqualTo(id);
        assertThat(source("redis://:a@crs-redis:6379/0", "", CUTOFF.plusSeconds(3600)).derivedId()).isNotEqualTo(id);
        assertThat(new CrsSource(URI.create("redis://:a@crs-redis:6379/0"), "", CrsOffset.ofHours(9), CUTOFF)
                .derivedId()).isNotEqualTo(id);
    }
}
