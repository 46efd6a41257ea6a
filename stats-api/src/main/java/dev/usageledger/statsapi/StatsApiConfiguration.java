package dev.usageledger.statsapi;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.statsapi.config.ReaderSecurityProperties;
import dev.usageledger.statsapi.read.FocusReader;
import dev.usageledger.statsapi.read.LedgerReader;
import dev.usageledger.statsapi.read.StatsReader;
import dev.usageledger.statsapi.read.Tiling;
import dev.usageledger.statsapi.web.ReaderAuthentication;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The framework-free readers wired with the typed settings, and authentication in front of every {@code /v1} read. */
@Configuration(proxyBeanMethods = false)
public class StatsApiConfiguration implements WebMvcConfigurer {

    private final ReaderAuthentication authentication;

    public StatsApiConfiguration(ReaderSecurityProperties security) {
        this.authentication = new ReaderAuthentication(new BearerTokens(security.tokens()));
    }

    /**
     * The contract settings shared with the other apps; a bad one fails the boot naming the property. Its reporting
     * zone is the zone in which usage-consumer folded the stored day and month rows (CONTRACT §3) and the default
     * {@code zone} of every request.
     */
    @Bean
    LedgerSettings ledgerSettings(Environment environment) {
        return Binder.get(environment).bindOrCreate(LedgerSettings.PREFIX, LedgerSettings.class);
    }

    @Bean
    StatsReader statsReader(DataSource dataSource, LedgerSettings ledger) {
        return new StatsReader(dataSource, new Tiling(ledger.reporting().zoneId()));
    }

    @Bean
    FocusReader focusReader(StatsReader statsReader) {
        return new FocusReader(statsReader);
    }

    @Bean
    LedgerReader ledgerReader(DataSource dataSource, StatsReader statsReader) {
        return new LedgerReader(dataSource, statsReader);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // every read: CONTRACT §5 and the exports under /v1, CONTRACT §6 under CRS's own paths
        registry.addInterceptor(authentication).addPathPatterns("/v1/**", "/admin/**", "/apiStats/**");
    }
}
