package dev.usageledger.relayapi.it;

import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The app's clock is {@link OffsetClock#INSTANCE}: the system clock unless a test shifts it. */
@TestConfiguration(proxyBeanMethods = false)
class TestClockConfiguration {

    @Bean
    @Primary
    Clock testClock() {
        return OffsetClock.INSTANCE;
    }
}
