package dev.usageledger.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedMariaDbTest {

    @Test
    void startsWithTheDevelopmentDefaultsAlone() {
        assertThat(EmbeddedMariaDb.serverArgs(false, List.of())).containsExactly("--skip-ssl",
                "--bind-address=127.0.0.1", "--skip-name-resolve", "--innodb-buffer-pool-size=256M",
                "--max-connections=200", "--innodb-lock-wait-timeout=10");
        assertThat(EmbeddedMariaDb.serverArgs(true, List.of())).startsWith("--user=root");
    }

    @Test
    void addsExtraServerOptionsAfterTheDefaultsInOrderSoThatTheyWin() {
        List<String> args = EmbeddedMariaDb.serverArgs(false,
                List.of("--innodb-buffer-pool-size=1G", "--innodb-log-file-size=1G"));
        assertThat(args).endsWith("--innodb-buffer-pool-size=1G", "--innodb-log-file-size=1G");
        assertThat(args.indexOf("--innodb-buffer-pool-size=256M"))
                .isLessThan(args.indexOf("--innodb-buffer-pool-size=1G"));
    }
}
