package dev.usageledger.bench.jmh;

import dev.usageledger.bench.Profile;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.pricing.CostCalculator;
import dev.usageledger.projections.pricing.PricingCatalog;
import dev.usageledger.projections.value.AssessedCost;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-event CPU cost of the pipeline's pure stages, on the benchmark's realistic events:
 * {@code java -jar bench/target/bench-jmh.jar} (all), or with a JMH filter such as {@code Fold}.
 * Not run in CI.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MicroBenchmarks {

    private static final int EVENTS = 5_000;

    @Param({"live", "backfill"})
    public String profile;

    private final EventCodec codec = new EventCodec();
    private final CostCalculator calculator = new CostCalculator(PricingCatalog.bundled());
    private final BatchFold fold = new BatchFold(new Buckets(ZoneOffset.UTC));
    private List<UsageRecorded> events;
    private byte[][] encoded;
    private int next;

    @Setup(Level.Trial)
    public void generate() {
        events = Profile.valueOf(profile.toUpperCase(java.util.Locale.ROOT)).traffic(EVENTS, 1_000, 6, 2, 66, 3,
                Instant.parse("2026-11-01T12:00:00Z")).all();
        encoded = events.stream().map(codec::encode).toArray(byte[][]::new);
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == EVENTS ? 0 : i + 1;
        return i;
    }

    /** One event to its JSON form on the topic. */
    @Benchmark
    public byte[] encode() {
        return codec.encode(events.get(nextIndex()));
    }

    /** One message value back to a validated event. */
    @Benchmark
    public LedgerEvent decode() {
        return codec.decode(encoded[nextIndex()]);
    }

    /** The pricing formula for one request. */
    @Benchmark
    public AssessedCost price() {
        UsageRecorded u = events.get(nextIndex());
        return calculator.price(u.model(), u.usage(), u.serviceTier());
    }

    /** A whole consumer batch ({@value #EVENTS} events) into sorted stats rows; divide by 5,000 per event. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public FoldedBatch foldBatch() {
        return fold.fold(events, List.of());
    }
}
