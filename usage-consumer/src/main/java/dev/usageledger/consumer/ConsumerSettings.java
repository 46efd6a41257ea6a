package dev.usageledger.consumer;

import dev.usageledger.common.InvalidSettingException;
import dev.usageledger.common.Settings;
import dev.usageledger.projections.retry.RetrySettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Typed settings of usage-consumer's own, bound from {@code ledger.*} and checked at start-up: a bad value fails the
 * boot with a message naming the property. The settings every app shares (topics, max event age, reporting zone, the
 * Redis URI) are {@link dev.usageledger.common.LedgerSettings}.
 */
@ConfigurationProperties("ledger")
public record ConsumerSettings(
        @DefaultValue Consumer consumer,
        @DefaultValue Projection projection,
        @DefaultValue Counters counters,
        @DefaultValue Redis redis) {

    /**
     * The usage-fed counters of the limits in Redis (README "Rate limits and quotas"): a second listener on the events
     * topic, in its own consumer group, so a stalled MySQL never stalls the limits (and a stalled Redis never stalls
     * the ledger).
     *
     * @param enabled           run the counters projection in this instance
     * @param group             its consumer group; its resume offsets are kept in Redis under this name
     * @param dedupeHorizon     how long an event id is remembered per key; at least {@code ledger.ingest.max-event-age}
     * @param limitsCacheTtl    how long a key's limits (window length, weekly reset) are reused before MySQL is asked
     *                          again; a stale copy is used while MySQL fails
     * @param reconcileInterval how often the counters are compared with MySQL and corrected, when the projection is
     *                          idle and MySQL has caught up
     * @param idleInterval      how long without records before the projection counts as idle
     * @param maxPollRecords    most records in one batch
     * @param retryBackoff      wait before a failed batch (Redis down) is tried again
     */
    public record Counters(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("usage-counters") String group,
            @DefaultValue("31d") Duration dedupeHorizon,
            @DefaultValue("30s") Duration limitsCacheTtl,
            @DefaultValue("1h") Duration reconcileInterval,
            @DefaultValue("5s") Duration idleInterval,
            @DefaultValue("5000") int maxPollRecords,
            @DefaultValue("1s") Duration retryBackoff) {
        public Counters {
            Settings.require(group.matches("[A-Za-z0-9._:-]{1,64}"), "ledger.counters.group",
                    "must be 1 to 64 of [A-Za-z0-9._:-], was " + group);
            Settings.requirePositive(dedupeHorizon, "ledger.counters.dedupe-horizon");
            Settings.require(!limitsCacheTtl.isNegative(), "ledger.counters.limits-cache-ttl",
                    "must not be negative, was " + limitsCacheTtl);
            Settings.requirePositive(reconcileInterval, "ledger.counters.reconcile-interval");
            Settings.require(idleInterval.toMillis() >= 100, "ledger.counters.idle-interval",
                    "must be at least 100ms, was " + idleInterval);
            Settings.require(maxPollRecords >= 1, "ledger.counters.max-poll-records",
                    "must be at least 1, was " + maxPollRecords);
            Settings.require(!retryBackoff.isNegative(), "ledger.counters.retry-backoff",
                    "must not be negative, was " + retryBackoff);
        }

        /**
         * Fails unless an event id is remembered at least as long as a relay may resend it: {@code maxEventAge} is
         * the shared {@code ledger.ingest.max-event-age}.
         */
        public void requireCovers(Duration maxEventAge) {
            Settings.require(dedupeHorizon.compareTo(maxEventAge) >= 0, "ledger.counters.dedupe-horizon",
                    "(" + dedupeHorizon + ") must be at least ledger.ingest.max-event-age (" + maxEventAge
                            + "): a relay may resend an event that old");
        }
    }

    /**
     * usage-consumer's client of the limits' Redis; the Redis itself ({@code ledger.redis.uri}) is shared.
     *
     * @param timeout connect and read timeout of one call
     */
    public record Redis(@DefaultValue("2s") Duration timeout) {
        public Redis {
            Settings.requirePositive(timeout, "ledger.redis.timeout");
        }
    }

    /**
     * @param group          consumer group; offsets are stored in MySQL under this name
     * @param concurrency    listener threads in this instance (at most the partition count is useful)
     * @param maxPollRecords most records in one batch (one MySQL transaction)
     * @param retryBackoff   wait before a failed batch is tried again (MySQL down, retries exhausted)
     * @param catchUpBudget  most events of one MySQL transaction while the consumer catches up: a consumer behind by
     *                       more than a poll (a full poll with another full poll of lag behind it) gathers polls into
     *                       one transaction, ledger rows written per poll, stats folded across the polls and upserted
     *                       once at commit. It commits once a poll is not full or leaves less than a full poll behind,
     *                       before one more full poll could exceed this budget, once its polls fold into 25,000 stats
     *                       rows, or after 10 s. Less than {@code 2 × maxPollRecords} turns gathering off (one
     *                       transaction per poll)
     * @param localInfileDir a directory of the consumer's own: ledger rows, id claims and stats rows are loaded from
     *                       files written there with {@code LOAD DATA LOCAL INFILE} when the server allows it; the
     *                       data source's {@code allowLoadLocalInfileInPath} must name it. Blank: {@code INSERT} only
     */
    public record Consumer(
            @DefaultValue("usage-consumer") String group,
            @DefaultValue("1") int concurrency,
            @DefaultValue("5000") int maxPollRecords,
            @DefaultValue("1s") Duration retryBackoff,
            @DefaultValue("100000") int catchUpBudget,
            @DefaultValue("") String localInfileDir) {
        public Consumer {
            Settings.require(!group.isBlank(), "ledger.consumer.group", "must not be blank");
            Settings.require(concurrency >= 1, "ledger.consumer.concurrency", "must be at least 1, was " + concurrency);
            Settings.require(maxPollRecords >= 1, "ledger.consumer.max-poll-records",
                    "must be at least 1, was " + maxPollRecords);
            Settings.require(!retryBackoff.isNegative(), "ledger.consumer.retry-backoff",
                    "must not be negative, was " + retryBackoff);
            Settings.require(catchUpBudget >= 1, "ledger.consumer.catch-up-budget",
                    "must be at least 1, was " + catchUpBudget);
        }
    }

    /**
     * @param retry       whole-transaction retry on deadlock, lock wait timeout and lost connection
     * @param swapHorizon how far apart two versions of one id may have been accepted ({@code receivedAt}) for the
     *                    earlier, read after the later was counted, to replace it (CONTRACT §1); past it the earlier
     *                    one is recorded as a conflict and never swapped. At most every retention a swap relies on
     *                    ({@link #requireWithin})
     */
    public record Projection(@DefaultValue Retry retry, @DefaultValue("7d") Duration swapHorizon) {
        public Projection {
            Settings.requirePositive(swapHorizon, "ledger.projection.swap-horizon");
        }

        /**
         * Fails unless a swap only ever touches what is still kept: the counted version's ledger row and id claim,
         * kept at least {@code ledger.ingest.max-event-age} ({@code maxEventAge}). The retention of both is checked
         * against this horizon by {@link dev.usageledger.common.LedgerSettings.Retention#requireCovers}.
         */
        public void requireWithin(Duration maxEventAge) {
            Settings.require(swapHorizon.compareTo(maxEventAge) <= 0, "ledger.projection.swap-horizon",
                    "(" + swapHorizon + ") must not exceed ledger.ingest.max-event-age (" + maxEventAge
                            + "): the ledger rows and id claims a swap replaces are only kept that long");
        }
    }

    public record Retry(
            @DefaultValue("30") int maxAttempts,
            @DefaultValue("5ms") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("500ms") Duration maxBackoff,
            @DefaultValue("0.5") double jitter) {

        public RetrySettings toSettings() {
            try {
                return new RetrySettings(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("ledger.projection.retry", e.getMessage());
            }
        }
    }
}
