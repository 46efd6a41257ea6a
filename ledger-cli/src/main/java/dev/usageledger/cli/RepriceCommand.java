package dev.usageledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.projections.event.EncodedEvent;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.pricing.InvalidPricingCatalogException;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.pricing.PricingCatalog;
import dev.usageledger.projections.pricing.ServiceRates;
import dev.usageledger.projections.value.PricingSource;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledger reprice}: prices every counted request of a range again with a catalog file, as relay-api would
 * ({@link Repricing}), and publishes a {@code cost.adjusted} event for each request whose cost differs, so that the
 * stats come to the new prices through the consumer; {@code usage_records} is never changed. Requests the catalog
 * cannot price are listed and not adjusted; requests the relay priced itself keep the relay's cost unless
 * {@code --include-relay-priced}. Prints the totals per key and model; {@code --dry-run} publishes nothing. Exit 0
 * when done (1 for a dry run that found adjustments to publish).
 */
@Command(name = "reprice", mixinStandardHelpOptions = true,
        description = "Price the requests of a range again with a catalog and publish the differences as "
                + "cost.adjusted events; re-running publishes nothing new.")
final class RepriceCommand implements Callable<Integer> {

    private static final int PAGE = 1000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RangeOptions range;

    @Mixin
    DatabaseOptions database;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--catalog", required = true, paramLabel = "FILE",
            description = "the price catalog, in the format of ledger.pricing.catalog-path (LiteLLM JSON)")
    Path catalog;

    @Option(names = "--service-rate", paramLabel = "SERVICE=RATE",
            description = "ledger.pricing.service-rates.<SERVICE>, as relay-api has it; repeatable (default: 1)")
    Map<String, BigDecimal> serviceRates = new LinkedHashMap<>();

    @Option(names = "--key-rate", paramLabel = "KEY:SERVICE=RATE",
            description = "ledger.pricing.key-rates.[KEY].<SERVICE>, as relay-api has it; repeatable (default: 1)")
    Map<String, BigDecimal> keyRates = new LinkedHashMap<>();

    @Option(names = "--include-relay-priced",
            description = "reprice the requests whose relay sent their cost too (default: they keep it)")
    boolean includeRelayPriced;

    @Option(names = "--dry-run", description = "print the totals per key and model; publish nothing")
    boolean dryRun;

    @Override
    public Integer call() throws SQLException {
        CommandLine cl = spec.commandLine();
        Instant from = range.from(cl);
        Instant to = range.to(cl);
        Repricing repricing = new Repricing(new Pricer(catalog(cl), rates(cl), null), Instant.now());
        String command = dryRun ? "reprice --dry-run" : "reprice";
        PrintWriter out = cl.getOut();
        try (HikariDataSource dataSource = database.open();
                EventPublisher publisher = dryRun ? null
                        : new EventPublisher(kafka.bootstrapServers, kafka.topics().topic(), "ledger-cli-reprice")) {
            LedgerRequests requests = new LedgerRequests(dataSource, from, to, PAGE);
            Progress progress = new Progress(command, requests.count(), "requests", "ledger rows", cl.getErr(),
                    System::nanoTime);
            RepriceTotals totals = new RepriceTotals();
            List<LedgerRequest> unpriced = new ArrayList<>();
            long relayPriced = 0;
            EventCodec codec = new EventCodec();
            for (LedgerRequests.Page page = requests.next(); !page.requests().isEmpty(); page = requests.next()) {
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                for (LedgerRequest r : page.requests()) {
                    if (r.source() == PricingSource.RELAY && !includeRelayPriced) {
                        relayPriced++;
                        continue;
                    }
                    Repricing.Outcome outcome = repricing.reprice(r, page.prior().getOrDefault(r.requestId(), List.of()));
                    if (outcome instanceof Repricing.Unpriced) {
                        unpriced.add(r);
                    } else if (outcome instanceof Repricing.Adjust adjust) {
                        totals.add(adjust.adjustment());
                        if (publisher != null) {
                            records.add(publisher.record(EncodedEvent.of(adjust.adjustment(), codec)));
                        }
                    }
                }
                if (!records.isEmpty()) {
                    publisher.send(records);
                }
                progress.advance(page.requests().size(), page.requests().size());
            }
            progress.finish();
            totals.print(out);
            for (LedgerRequest r : unpriced) {
                out.println("unpriced\t" + r.requestId() + "\t" + r.occurredAt() + "\t" + r.apiKeyId() + "\t"
                        + r.model());
            }
            cl.getErr().printf("%s: catalog %s, %d adjustments %s, %d unpriced requests listed, %d relay-priced "
                    + "requests kept%n", command, repricing.catalogVersion(), totals.count(),
                    dryRun ? "would be published" : "published", unpriced.size(), relayPriced);
            return dryRun && totals.count() > 0 ? ExitCodes.DIFFERENCES : ExitCodes.OK;
        }
    }

    private PricingCatalog catalog(CommandLine cl) {
        try {
            return PricingCatalog.fromFile(catalog);
        } catch (InvalidPricingCatalogException e) {
            throw new CommandLine.ParameterException(cl, "--catalog: " + e.getMessage());
        }
    }

    private ServiceRates rates(CommandLine cl) {
        Map<String, Map<String, BigDecimal>> perKey = new HashMap<>();
        keyRates.forEach((keyAndService, rate) -> {
            int colon = keyAndService.lastIndexOf(':');
            if (colon <= 0 || colon == keyAndService.length() - 1) {
                throw new CommandLine.ParameterException(cl, "--key-rate: not KEY:SERVICE=RATE: " + keyAndService);
            }
            perKey.computeIfAbsent(keyAndService.substring(0, colon), k -> new HashMap<>())
                    .put(keyAndService.substring(colon + 1), rate);
        });
        try {
            return new ServiceRates(serviceRates, perKey);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--service-rate/--key-rate: " + e.getMessage());
        }
    }
}
