package dev.usageledger.projections.mysql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's own directory of {@code LOAD DATA LOCAL INFILE} files, and the guard that makes loading from it
 * safe.
 *
 * <p>A server can answer any statement with "send me file X", and Connector/J's {@code allowLoadLocalInfile=true}
 * would send whatever the process can read. With only {@code allowLoadLocalInfileInPath} set to {@link #directory()}
 * (and {@code allowLoadLocalInfile} left off), the driver sends files from this directory only, which holds nothing
 * but the rows being loaded: it must not be a symbolic link, must belong to this process's user and, where the file
 * system has POSIX permissions, be writable by nobody else (whoever can write there could swap a file between its
 * write and its load). Its path is safe inside a single-quoted SQL literal. Thread-safe.
 */
public final class LoadDataDirectory {

    private static final Logger log = LoggerFactory.getLogger(LoadDataDirectory.class);
    /** Safe inside a single-quoted SQL literal whatever the SQL mode: no quote, no backslash. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/+-]+");
    /** In every load file's name: a starting process deletes only the files of processes that are gone. */
    private static final long PID = ProcessHandle.current().pid();
    private static final Pattern LOAD_FILE = Pattern.compile("(?:usage-records|event-ids|stats)-(\\d{1,18})-.*\\.tsv");

    private final Path directory;

    private LoadDataDirectory(Path directory) {
        this.directory = directory;
    }

    /**
     * The directory (created if missing, owner-only), checked as the class comment says; the connections must carry
     * {@code allowLoadLocalInfileInPath} naming the same directory. Load files a crashed process left there are
     * deleted.
     *
     * @throws IllegalArgumentException the directory is unsafe
     * @throws UncheckedIOException     it cannot be created or written
     */
    public static LoadDataDirectory in(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!SAFE_PATH.matcher(dir.toString()).matches()) {
            throw new IllegalArgumentException("the LOAD DATA directory must be a path of [A-Za-z0-9._/+-], was " + dir);
        }
        try {
            if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
                createPrivate(dir);
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(
                        "the LOAD DATA directory " + dir + " is a symbolic link or not a directory");
            }
            // Fails now rather than on the first poll: a directory this process cannot write would stop every one.
            // The probe's owner is this process's user (user.name may have no entry in a container's passwd).
            Path probe = Files.createTempFile(dir, "probe-", ".tsv");
            try {
                requirePrivate(dir, Files.getOwner(probe));
            } finally {
                Files.delete(probe);
            }
            sweep(dir);
            return new LoadDataDirectory(dir.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or write the LOAD DATA directory " + dir, e);
        }
    }

    private static void createPrivate(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(dir);
        }
    }

    private static void requirePrivate(Path dir, UserPrincipal self) throws IOException {
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(self)) {
            throw new IllegalArgumentException("the LOAD DATA directory " + dir + " belongs to " + owner.getName()
                    + ", not to this process's user " + self.getName());
        }
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS) != null) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IllegalArgumentException("the LOAD DATA directory " + dir + " is writable by others ("
                        + PosixFilePermissions.toString(perms) + "); it must be the consumer's own (chmod 700)");
            }
        }
    }

    /**
     * Deletes the load files of processes that are no longer running (a crash between a file's write and its
     * delete); those of running ones — other consumers sharing the directory — are theirs.
     */
    private static void sweep(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tsv")) {
            for (Path file : files) {
                Matcher m = LOAD_FILE.matcher(file.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(file);
                    log.info("deleted {}, left by a process that is gone", file);
                }
            }
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * Writes {@code rows} into a new file of this directory, named {@code prefix}, this process's id and a random
     * part; the caller loads it and {@linkplain #delete deletes} it.
     */
    Path write(String prefix, CharSequence rows) throws IOException {
        Path file = Files.createTempFile(directory, prefix + PID + "-", ".tsv");
        try {
            // getBytes, not writeString: a lone surrogate becomes '?' as the INSERT path stores it, not an error.
            Files.write(file, rows.toString().getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            delete(file);
            throw e;
        }
    }

    /** Deletes a loaded (or failed) file; a failure is logged, never thrown: the next start sweeps it. */
    void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete {}", file, e);
        }
    }
}
