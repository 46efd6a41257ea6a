package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.common.InvalidSettingException;
import dev.usageledger.common.LedgerSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** usage-consumer's own settings as Spring Boot binds them: defaults, and bad values failing the start by name. */
class ConsumerSettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ConsumerSettings.class)
    static class Bound {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void bindsTheDefaults() {
        runner.run(context -> {
            ConsumerSettings settings = context.getBean(ConsumerSettings.class);
            assertThat(settings.consumer().group()).isEqualTo("usage-consumer");
            assertThat(settings.consumer().catchUpBudget()).isEqualTo(100_000);
            assertThat(settings.counters().dedupeHorizon()).hasDays(31);
            assertThat(settings.redis().timeout()).hasSeconds(2);
            assertThat(settings.projection().retry().toSettings()).isNotNull();
            assertThat(settings.projection().swapHorizon()).hasDays(7);
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ledger.consumer.group= ", "ledger.consumer.concurrency=0",
            "ledger.consumer.max-poll-records=0", "ledger.consumer.catch-up-budget=0", "ledger.counters.group=bad group",
            "ledger.counters.dedupe-horizon=0s", "ledger.counters.idle-interval=50ms",
            "ledger.counters.retry-backoff=-1s", "ledger.redis.timeout=0s",
            "ledger.projection.swap-horizon=0s"})
    void failsTheStartNamingTheProperty(String setting) {
        String property = setting.substring(0, setting.indexOf('='));
        runner.withPropertyValues(setting).run(context -> assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(property + " "));
    }

    @Test
    void theDedupeHorizonMustCoverTheSharedMaxEventAge() {
        runner.withPropertyValues("ledger.counters.dedupe-horizon=7d").run(context -> {
            ConsumerSettings.Counters counters = context.getBean(ConsumerSettings.class).counters();
            counters.requireCovers(Duration.ofDays(7));
            assertThatThrownBy(() -> counters.requireCovers(LedgerSettings.defaults().ingest().maxEventAge()))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("ledger.counters.dedupe-horizon ")
                    .hasMessageContaining("ledger.ingest.max-event-age");
        });
    }

    @Test
    void theSwapHorizonMustNotExceedTheSharedMaxEventAge() {
        runner.withPropertyValues("ledger.projection.swap-horizon=31d").run(context -> {
            ConsumerSettings.Projection projection = context.getBean(ConsumerSettings.class).projection();
            projection.requireWithin(Duration.ofDays(31));
            assertThatThrownBy(() -> projection.requireWithin(LedgerSettings.defaults().ingest().maxEventAge()))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("ledger.projection.swap-horizon ")
                    .hasMessageContaining("ledger.ingest.max-event-age");
        });
    }

    @Test
    void theRetentionIsBoundFromLedgerRetentionAndMustCoverTheSwapHorizon() {
        runner.withPropertyValues("ledger.retention.hourly=3d", "ledger.retention.months-ahead=6").run(context -> {
            LedgerSettings ledger = Binder.get(context.getEnvironment())
                    .bindOrCreate(LedgerSettings.PREFIX, LedgerSettings.class);
            assertThat(ledger.retention().hourly()).hasDays(3);
            assertThat(ledger.retention().monthsAhead()).isEqualTo(6);
            Duration swapHorizon = context.getBean(ConsumerSettings.class).projection().swapHorizon();
            assertThatThrownBy(() -> ledger.retention().requireCovers(swapHorizon, ledger.ingest().maxEventAge()))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("ledger.retention.hourly ")
                    .hasMessageContaining("ledger.projection.swap-horizon");
        });
    }

    @Test
    void aBadRetrySettingNamesItsProperties() {
        assertThatThrownBy(() -> new ConsumerSettings.Retry(0, Duration.ofMillis(5), 2.0, Duration.ofMillis(500), 0.5)
                .toSettings())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ledger.projection.retry ");
    }
}
