package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import net.jpountz.lz4.LZ4Factory;
import net.jpountz.util.Native;
import org.junit.jupiter.api.Test;

class NativeLz4Test {

    @Test
    void loadsTheNativeLibrarySoKafkaIsGivenTheJniDecompressor() {
        assertThat(NativeLz4.load()).isTrue();
        assertThat(Native.isLoaded()).isTrue();
        assertThat(LZ4Factory.fastestInstance()).isSameAs(LZ4Factory.nativeInstance());
    }
}
