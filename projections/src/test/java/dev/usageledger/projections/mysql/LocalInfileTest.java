package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file format {@code LOAD DATA}'s defaults read: tab-separated, backslash escapes, {@code \N} for NULL. */
class LocalInfileTest {

    @Test
    void escapesEverythingThatWouldEndAFieldOrALine() {
        assertThat(LocalInfile.text(new StringBuilder(), "a\tb\nc\\d\re\0f").toString())
                .isEqualTo("a\\tb\\nc\\\\d\\re\\0f");
        assertThat(LocalInfile.text(new StringBuilder(), "\\N").toString()).isEqualTo("\\\\N");
        assertThat(LocalInfile.text(new StringBuilder(), null).toString()).isEqualTo("\\N");
        assertThat(LocalInfile.text(new StringBuilder(), "plain:id-1.2_3 \u00e9\ud83d\ude00").toString())
                .isEqualTo("plain:id-1.2_3 \u00e9\ud83d\ude00");
        assertThat(LocalInfile.text(new StringBuilder("x"), "").toString()).isEqualTo("x");
        assertThat(LocalInfile.text(new StringBuilder(), "tail\\").toString()).isEqualTo("tail\\\\");
    }

    @Test
    void writesUtcDateTimesWithMillisecondsAsTheFormatterWould() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        for (String at : new String[] {"2026-11-22T10:15:30.123Z", "2026-01-02T03:04:05Z", "1999-12-31T23:59:59.009Z",
                "0999-01-01T00:00:00.100Z", "2026-02-28T00:00:00.050Z"}) {
            Instant instant = Instant.parse(at);
            assertThat(LocalInfile.datetime(new StringBuilder(), instant).toString()).isEqualTo(f.format(instant));
        }
        assertThat(LocalInfile.datetime(new StringBuilder(), null).toString()).isEqualTo("\\N");
    }

    @Test
    void aLedgerRowIsOneLineOfThirtyFieldsInTheInsertsOrder() {
        StringBuilder tsv = new StringBuilder();
        LocalInfile.appendUsageRecord(tsv, Events.usage("req_1").at("2026-11-22T10:15:30.123Z").tokens(7, 3)
                .cost("0.5", "0.75").build());
        String line = tsv.toString();
        assertThat(line).endsWith("\n").containsOnlyOnce("\n");
        String[] fields = line.substring(0, line.length() - 1).split("\t", -1);
        assertThat(fields).hasSize(30);
        assertThat(fields[0]).isEqualTo("req_1");
        assertThat(fields[1]).isEqualTo("2026-11-22 10:15:30.123");
        assertThat(fields[7]).isEqualTo("7");
        assertThat(fields[8]).isEqualTo("3");
        assertThat(fields[25]).isEqualTo("\\N");
    }

    @Test
    void refusesADirectoryThatCannotBeQuotedSafely(@TempDir Path dir) {
        assertThatThrownBy(() -> LocalInfile.in(dir.resolve("it's")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOAD DATA directory");
        assertThat(LocalInfile.in(dir.resolve("fine")).directory()).isDirectory();
    }

    @Test
    void createsItsDirectoryForItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path created = LocalInfile.in(dir.resolve("a/b")).directory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
    }

    @Test
    void refusesADirectoryOthersCanWriteOrASymbolicLink(@TempDir Path dir) throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> LocalInfile.in(shared))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writable by others");
        Path own = LocalInfile.in(dir.resolve("own")).directory();
        Path link = Files.createSymbolicLink(dir.resolve("link"), own);
        assertThatThrownBy(() -> LocalInfile.in(link))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("symbolic link");
    }

    @Test
    void deletesTheLoadFilesOfProcessesThatAreGone(@TempDir Path dir) throws Exception {
        Path own = LocalInfile.in(dir.resolve("own")).directory();
        long gone = 999_999_999_999_999_999L; // no process has this id
        long running = ProcessHandle.current().pid();
        Files.writeString(own.resolve("usage-records-" + gone + "-1.tsv"), "left");
        Files.writeString(own.resolve("event-ids-" + gone + "-2.tsv"), "left");
        Files.writeString(own.resolve("usage-records-" + running + "-3.tsv"), "in flight");
        Files.writeString(own.resolve("notes.txt"), "kept");
        LocalInfile.in(own);
        try (var files = Files.list(own)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("notes.txt", "usage-records-" + running + "-3.tsv");
        }
    }
}
