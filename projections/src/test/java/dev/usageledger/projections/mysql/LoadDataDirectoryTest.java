package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LOAD DATA directory's guard: a safe path, owner-only, no symbolic link, stale files swept. */
class LoadDataDirectoryTest {

    @Test
    void refusesADirectoryThatCannotBeQuotedSafely(@TempDir Path dir) {
        assertThatThrownBy(() -> LoadDataDirectory.in(dir.resolve("it's")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOAD DATA directory");
        assertThat(LoadDataDirectory.in(dir.resolve("fine")).directory()).isDirectory();
    }

    @Test
    void createsItsDirectoryForItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path created = LoadDataDirectory.in(dir.resolve("a/b")).directory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
    }

    @Test
    void refusesADirectoryOthersCanWriteOrASymbolicLink(@TempDir Path dir) throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> LoadDataDirectory.in(shared))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writable by others");
        Path own = LoadDataDirectory.in(dir.resolve("own")).directory();
        Path link = Files.createSymbolicLink(dir.resolve("link"), own);
        assertThatThrownBy(() -> LoadDataDirectory.in(link))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("symbolic link");
    }

    @Test
    void deletesTheLoadFilesOfProcessesThatAreGone(@TempDir Path dir) throws Exception {
        Path own = LoadDataDirectory.in(dir.resolve("own")).directory();
        long gone = 999_999_999_999_999_999L; // no process has this id
        long running = ProcessHandle.current().pid();
        Files.writeString(own.resolve("usage-records-" + gone + "-1.tsv"), "left");
        Files.writeString(own.resolve("event-ids-" + gone + "-2.tsv"), "left");
        Files.writeString(own.resolve("usage-records-" + running + "-3.tsv"), "in flight");
        Files.writeString(own.resolve("notes.txt"), "kept");
        LoadDataDirectory.in(own);
        try (var files = Files.list(own)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("notes.txt", "usage-records-" + running + "-3.tsv");
        }
    }
}
