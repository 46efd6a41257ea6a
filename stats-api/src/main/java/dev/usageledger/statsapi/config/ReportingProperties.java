package dev.usageledger.statsapi.config;

import dev.usageledger.common.InvalidSettingException;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reporting zone (CONTRACT §3): the zone in which usage-consumer folded the stored day and month rows, and the
 * default {@code zone} of every request. Must equal usage-consumer's {@code ledger.reporting.zone}.
 */
@ConfigurationProperties("ledger.reporting")
public record ReportingProperties(@DefaultValue("UTC") ZoneId zone) {

    public ReportingProperties {
        if (zone == null) {
            throw new InvalidSettingException("ledger.reporting.zone", "must be an IANA time zone id");
        }
    }
}
