package dev.usageledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the core, read from the sources: {@code value} depends on no other package of the core, and
 * {@code event} and {@code pricing} never name each other (in an import, a qualified name or a Javadoc link), so
 * either can change without the other.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/usageledger/projections");
    private static final String CORE = "dev.usageledger.projections.";

    @Test
    void eventNeverNamesPricing() throws IOException {
        assertNoneNames("event", CORE + "pricing");
    }

    @Test
    void pricingNeverNamesEvent() throws IOException {
        assertNoneNames("pricing", CORE + "event");
    }

    @Test
    void valueNamesNoOtherPackageOfTheCore() throws IOException {
        for (Path file : sources("value")) {
            assertThat(Files.readString(file).replaceAll("dev\\.usageledger\\.projections\\.value\\b", ""))
                    .as(file.toString())
                    .doesNotContain(CORE);
        }
    }

    private static void assertNoneNames(String pkg, String other) throws IOException {
        for (Path file : sources(pkg)) {
            assertThat(Files.readString(file)).as(file.toString()).doesNotContain(other + ".");
        }
    }

    private static List<Path> sources(String pkg) throws IOException {
        try (Stream<Path> files = Files.list(SOURCES.resolve(pkg))) {
            List<Path> java = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            assertThat(java).as("the sources of " + pkg).isNotEmpty();
            return java;
        }
    }
}
