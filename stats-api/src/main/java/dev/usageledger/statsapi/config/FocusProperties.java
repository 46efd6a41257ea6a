package dev.usageledger.statsapi.config;

import dev.usageledger.common.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who the FOCUS export names (FOCUS 1.2 columns that must not be null): the operator of the relay, which makes the
 * service available ({@code ProviderName}) and invoices the key holders ({@code InvoiceIssuerName}).
 *
 * @param providerName      {@code ProviderName}, and {@code PublisherName} of a model whose maker is not recognised
 * @param invoiceIssuerName {@code InvoiceIssuerName}
 */
@ConfigurationProperties("ledger.focus")
public record FocusProperties(@DefaultValue("usage-ledger") String providerName,
        @DefaultValue("usage-ledger") String invoiceIssuerName) {

    public FocusProperties {
        Settings.require(providerName != null && !providerName.isBlank(), "ledger.focus.provider-name",
                "must not be blank");
        Settings.require(invoiceIssuerName != null && !invoiceIssuerName.isBlank(), "ledger.focus.invoice-issuer-name",
                "must not be blank");
    }
}
