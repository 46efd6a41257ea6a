package dev.usageledger.consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives Kafka's lz4 decompression (and its xxhash block checksums) lz4-java's JNI build, as on a plain class path.
 *
 * <p>Kafka takes {@code LZ4Factory.fastestInstance()} and {@code XXHashFactory.fastestInstance()} once, when it first
 * reads an lz4 batch. Those try the native library only when it is already loaded or when lz4-java was loaded by the
 * system class loader; in Spring Boot's executable jar it is loaded by the nested-jar class loader, so the consumer
 * silently got the pure-Java safe decompressor — 21 of the consumer thread's 270 CPU samples in P1 live
 * (docs/performance.md, "Consumer CPU and memory"). Loading the native library before the first poll makes both
 * factories answer their native instances. Where it cannot load (no bundled build for the platform, no writable temp
 * directory), Kafka keeps the pure-Java decompressor. By reflection: lz4-java is Kafka's runtime dependency, in the
 * version Kafka chose, not ours to pin.
 */
final class NativeLz4 {

    private static final Logger log = LoggerFactory.getLogger(NativeLz4.class);

    private NativeLz4() {}

    /** Loads lz4-java's native library if it can; never throws. Returns whether it is loaded. */
    static boolean load() {
        return load(NativeLz4.class.getClassLoader());
    }

    /** As {@link #load()}, for the lz4-java that {@code loader} sees. */
    static boolean load(ClassLoader loader) {
        try {
            Class.forName("net.jpountz.lz4.LZ4Factory", true, loader).getMethod("nativeInstance").invoke(null);
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            log.info("lz4-java's native library is not available, Kafka decompresses lz4 in Java: {}", e.toString());
            return false;
        }
    }
}
