package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

class NativeLz4Test {

    /**
     * lz4-java in a class loader of its own, as in Spring Boot's executable jar (where the bug was): there,
     * {@code fastestInstance()} answers the Java decompressor until the native library is loaded, and the JNI one after.
     * (On the test class path lz4-java sits on the system class loader, where it is native either way.)
     */
    @Test
    void givesKafkaTheJniDecompressorWhereLz4JavaIsNotOnTheSystemClassLoader() throws Exception {
        URL jar = LZ4Factory.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader nested = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader())) {
            assertThat(fastest(nested)).as("before").doesNotContain("JNI");

            assertThat(NativeLz4.load(nested)).isTrue();

            assertThat(fastest(nested)).as("after").contains("JNI");
        }
    }

    private static String fastest(ClassLoader loader) throws Exception {
        return Class.forName("net.jpountz.lz4.LZ4Factory", true, loader).getMethod("fastestInstance").invoke(null)
                .toString();
    }
}
