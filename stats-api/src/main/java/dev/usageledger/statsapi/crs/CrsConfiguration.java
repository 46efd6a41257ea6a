package dev.usageledger.statsapi.crs;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.statsapi.config.ReaderSecurityProperties;
import dev.usageledger.statsapi.read.AccountTypes;
import dev.usageledger.statsapi.read.KeyRecordsReader;
import dev.usageledger.statsapi.read.StatsReader;
import dev.usageledger.statsapi.web.ReaderAuthentication;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The CRS-compatible reads (CONTRACT §6): their readers, the clock that says what "today" is, and the same
 * analyst-or-admin authentication as every {@code /v1} read in front of CRS's {@code /admin} and {@code /apiStats}
 * paths.
 */
@Configuration(proxyBeanMethods = false)
public class CrsConfiguration implements WebMvcConfigurer {

    private final ReaderAuthentication authentication;

    public CrsConfiguration(ReaderSecurityProperties security) {
        this.authentication = new ReaderAuthentication(new BearerTokens(security.tokens()));
    }

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

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(authentication).addPathPatterns("/admin/**", "/apiStats/**");
    }
}
