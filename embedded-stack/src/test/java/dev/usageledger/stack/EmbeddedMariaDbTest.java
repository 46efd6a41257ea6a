package dev.usageledger.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedMariaDbTest {

    /** The build's own value, if it was run with one: put back after each test. */
    private final String before = System.getProperty(EmbeddedMariaDb.ARGS_PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (before == null) {
            System.clearProperty(EmbeddedMariaDb.ARGS_PROPERTY);
        } else {
            System.setProperty(EmbeddedMariaDb.ARGS_PROPERTY, before);
        }
    }

    @Test
    void addsNoServerOptionWhenThePropertyIsUnsetOrBlank() {
        System.clearProperty(EmbeddedMariaDb.ARGS_PROPERTY);
        assertThat(EmbeddedMariaDb.extraArgs()).isEmpty();
        System.setProperty(EmbeddedMariaDb.ARGS_PROPERTY, "  ");
        assertThat(EmbeddedMariaDb.extraArgs()).isEmpty();
    }

    @Test
    void splitsThePropertyIntoServerOptionsInOrder() {
        System.setProperty(EmbeddedMariaDb.ARGS_PROPERTY,
                " --innodb-buffer-pool-size=1G   --innodb-log-file-size=1G\t--innodb-flush-neighbors=0 ");
        assertThat(EmbeddedMariaDb.extraArgs()).containsExactly("--innodb-buffer-pool-size=1G",
                "--innodb-log-file-size=1G", "--innodb-flush-neighbors=0");
    }
}
