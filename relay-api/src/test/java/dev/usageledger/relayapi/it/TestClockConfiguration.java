package dev.usageledger.relayapi.it;

import dev.usageledger.fixtures.MutableClock;
import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The app's clock is {@link #CLOCK}: the system clock unless a test moves it (to expire leases without waiting). */
@TestConfiguration(proxyBeanMethods = false)
class TestClockConfiguration {

    static final MutableClock CLOCK = MutableClock.system();

    @Bean
    @Primary
    Clock testClock() {
        return CLOCK;
    }
}
