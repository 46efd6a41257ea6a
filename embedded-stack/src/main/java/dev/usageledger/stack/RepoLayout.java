package dev.usageledger.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the checked-out repository lives, so that tests and the demo find build outputs of other
 * modules ({@code kafka-broker/target/lib}, {@code relay-api/target/relay-api-exec.jar}, ...).
 *
 * <p>The root is the system property {@value #ROOT_PROPERTY} when set (failsafe sets it), else the
 * nearest directory, from the working directory upwards, holding a {@code pom.xml} with
 * {@code <artifactId>usage-ledger</artifactId>} and a {@code kafka-broker} directory.
 */
public final class RepoLayout {

    public static final String ROOT_PROPERTY = "ledger.repo.root";

    private final Path root;

    private RepoLayout(Path root) {
        this.root = root;
    }

    /** @throws IllegalStateException if no root is configured or found */
    public static RepoLayout find() {
        return tryFind().orElseThrow(() -> new IllegalStateException(
                "usage-ledger repository root not found from " + Path.of("").toAbsolutePath()
                        + "; set -D" + ROOT_PROPERTY + "=/path/to/repo"));
    }

    public static Optional<RepoLayout> tryFind() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!isRoot(root)) {
                throw new IllegalStateException(ROOT_PROPERTY + "=" + configured + " is not the usage-ledger repository root");
            }
            return Optional.of(new RepoLayout(root));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return Optional.of(new RepoLayout(dir));
            }
        }
        return Optional.empty();
    }

    public static RepoLayout of(Path root) {
        if (!isRoot(root)) {
            throw new IllegalArgumentException(root + " is not the usage-ledger repository root");
        }
        return new RepoLayout(root.toAbsolutePath().normalize());
    }

    static boolean isRoot(Path dir) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom) || !Files.isDirectory(dir.resolve("kafka-broker"))) {
            return false;
        }
        try {
            return Files.readString(pom).contains("<artifactId>usage-ledger</artifactId>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** A path relative to the root, e.g. {@code resolve("kafka-broker/target/lib")}; not checked. */
    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    /** Like {@link #resolve} but fails, naming the module to build, if the path does not exist. */
    public Path require(String relative) {
        Path path = resolve(relative);
        if (!Files.exists(path)) {
            String module = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : relative;
            throw new IllegalStateException(path + " does not exist: build it first, e.g. "
                    + "mvn -pl " + module + " -am package -DskipTests");
        }
        return path;
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
