package dev.usageledger.statsapi.crs;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.statsapi.read.AccountTypes;
import dev.usageledger.statsapi.read.KeyRecordsReader;
import dev.usageledger.statsapi.read.StatsReader;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The CRS-compatible reads (CONTRACT §6): their readers and the clock that says what "today" is. Their paths are
 * authenticated with every other read ({@code StatsApiConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
public class CrsConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CrsCalendar crsCalendar(LedgerSettings ledger, Clock clock) {
        return new CrsCalendar(ledger.reporting().zoneId(), clock);
    }

    @Bean
    AccountTypes accountTypes(StatsReader statsReader) {
        return new AccountTypes(statsReader);
    }

    @Bean
    KeyRecordsReader keyRecordsReader(StatsReader statsReader) {
        return new KeyRecordsReader(statsReader);
    }

    @Bean
    KeyLimitsStore keyLimitsStore(DataSource dataSource) {
        return new KeyLimitsStore(dataSource);
    }
}
