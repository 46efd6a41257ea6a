package dev.usageledger.cli.crs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.cli.crs.CrsKey.Kind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every key shape of CRS's usage accounting (reference §1.3-§1.5), read as the import reads it. */
class CrsKeysTest {

    private static final String KEY = "3f2a9c1e-7b4d-4e8a-9f00-1a2b3c4d5e6f";
    private final CrsKeys keys = new CrsKeys("");

    private CrsKey parse(String name) {
        return keys.parse(name).orElseThrow(() -> new AssertionError("not parsed: " + name));
    }

    @Test
    void readsTheKeyAndModelHashesOfEveryGranularity() {
        assertThat(parse("usage:" + KEY + ":model:hourly:claude-sonnet-4-5-20250929:2026-11-03:08")).isEqualTo(
                new CrsKey("usage:" + KEY + ":model:hourly:claude-sonnet-4-5-20250929:2026-11-03:08", Kind.KEY_MODEL,
                        Granularity.HOUR, KEY, "claude-sonnet-4-5-20250929", "2026-11-03:08"));
        CrsKey daily = parse("usage:" + KEY + ":model:daily:gpt-5:2026-11-03");
        assertThat(daily.granularity()).isEqualTo(Granularity.DAY);
        assertThat(daily.model()).isEqualTo("gpt-5");
        assertThat(daily.label()).isEqualTo("2026-11-03");
        CrsKey monthly = parse("usage:" + KEY + ":model:monthly:gemini-2.5-pro:2026-11");
        assertThat(monthly.granularity()).isEqualTo(Granularity.MONTH);
        assertThat(monthly.label()).isEqualTo("2026-11");
    }

    @Test
    void aModelNameMayHoldColons() {
        CrsKey hourly = parse("usage:" + KEY + ":model:hourly:qwen2.5:14b:2026-11-03:23");
        assertThat(hourly.model()).isEqualTo("qwen2.5:14b");
        assertThat(hourly.label()).isEqualTo("2026-11-03:23");
        assertThat(parse("usage:" + KEY + ":model:daily:a:b:2026-11-03:2026-11-04").model())
                .isEqualTo("a:b:2026-11-03");
        CrsKey account = parse("account_usage:model:monthly:acc-1:deepseek-r1:70b:2026-10");
        assertThat(account.subjectId()).isEqualTo("acc-1");
        assertThat(account.model()).isEqualTo("deepseek-r1:70b");
    }

    @Test
    void readsTheKeyTotalsAndCostKeys() {
        assertThat(parse("usage:hourly:" + KEY + ":2026-11-03:08").kind()).isEqualTo(Kind.KEY_TOTAL);
        assertThat(parse("usage:daily:" + KEY + ":2026-11-03").kind()).isEqualTo(Kind.KEY_TOTAL);
        CrsKey monthly = parse("usage:monthly:" + KEY + ":2026-11");
        assertThat(monthly.kind()).isEqualTo(Kind.KEY_TOTAL);
        assertThat(monthly.subjectId()).isEqualTo(KEY);
        assertThat(monthly.model()).isNull();
        assertThat(parse("usage:cost:hourly:" + KEY + ":2026-11-03:08").kind()).isEqualTo(Kind.KEY_RATED_COST);
        assertThat(parse("usage:cost:daily:" + KEY + ":2026-11-03").kind()).isEqualTo(Kind.KEY_RATED_COST);
        assertThat(parse("usage:cost:monthly:" + KEY + ":2026-11").kind()).isEqualTo(Kind.KEY_RATED_COST);
        CrsKey real = parse("usage:cost:real:daily:" + KEY + ":2026-11-03");
        assertThat(real.kind()).isEqualTo(Kind.KEY_REAL_COST);
        assertThat(real.subjectId()).isEqualTo(KEY);
        assertThat(real.granularity()).isEqualTo(Granularity.DAY);
    }

    @Test
    void readsTheAccountHashes() {
        assertThat(parse("account_usage:hourly:acc-1:2026-11-03:08").kind()).isEqualTo(Kind.ACCOUNT_TOTAL);
        assertThat(parse("account_usage:daily:acc-1:2026-11-03").kind()).isEqualTo(Kind.ACCOUNT_TOTAL);
        assertThat(parse("account_usage:monthly:acc-1:2026-11").kind()).isEqualTo(Kind.ACCOUNT_TOTAL);
        CrsKey model = parse("account_usage:model:daily:acc-1:claude-opus-4-1:2026-11-03");
        assertThat(model.kind()).isEqualTo(Kind.ACCOUNT_MODEL);
        assertThat(model.model()).isEqualTo("claude-opus-4-1");
        assertThat(parse("account_usage:model:hourly:acc-1:m:2026-11-03:08").granularity())
                .isEqualTo(Granularity.HOUR);
    }

    @Test
    void skipsEveryOtherShape() {
        for (String other : new String[] {
                "usage:" + KEY,                                            // all-time totals
                "usage:" + KEY + ":model:alltime:claude-sonnet-4-5",       // all-time per model
                "usage:model:daily:claude-sonnet-4-5:2026-11-03",          // all keys' per model
                "usage:model:hourly:claude-sonnet-4-5:2026-11-03:08",
                "usage:model:monthly:claude-sonnet-4-5:2026-11",
                "usage:global:total", "usage:global:daily:2026-11-03", "usage:global:monthly:2026-11",
                "usage:daily:index:2026-11-03", "usage:hourly:index:2026-11-03:08",
                "usage:daily:index:2026-11-03:empty", "usage:model:monthly:months",
                "usage:keymodel:daily:index:2026-11-03", "usage:keymodel:hourly:index:2026-11-03:08",
                "usage:model:daily:index:2026-11-03", "usage:model:monthly:index:2026-11",
                "account_usage:daily:index:2026-11-03", "account_usage:model:hourly:index:2026-11-03:08",
                "account_usage:acc-1",
                "usage:cost:total:" + KEY, "usage:cost:real:total:" + KEY,
                "usage:opus:weekly:" + KEY + ":2026-11-02T00", "usage:opus:total:" + KEY,
                "usage:records:" + KEY, "system:metrics:minute:29382011", "apikey:" + KEY,
                "request_detail:item:req_1", "request_detail:index:day:20261103",
                "concurrency:" + KEY, "concurrency:queue:stats:" + KEY, "cost_rank:today", "billing:events",
                "apikey:hash_map", "system:service_rates", "account_usage:model:daily:index:2026-11-03",
                "usage:opus:real:weekly:" + KEY + ":2026-11-02T00",
                "usage:daily:" + KEY + ":2026-11",   // a month label on a daily key
                "usage:hourly:" + KEY + ":2026-11-03",                           // a day label on an hourly key
        }) {
            assertThat(keys.parse(other)).as(other).isEmpty();
        }
    }

    @Test
    void aPrefixStandsBeforeEveryKeyAndIsMatchedLiterally() {
        CrsKeys prefixed = new CrsKeys("crs[1]:");
        assertThat(prefixed.parse("crs[1]:usage:daily:" + KEY + ":2026-11-03")).get()
                .extracting(CrsKey::kind, CrsKey::subjectId).containsExactly(Kind.KEY_TOTAL, KEY);
        assertThat(prefixed.parse("crs[1]:usage:" + KEY + ":model:hourly:m:x:2026-11-03:08")).get()
                .extracting(CrsKey::model).isEqualTo("m:x");
        assertThat(prefixed.parse("usage:daily:" + KEY + ":2026-11-03")).isEmpty();
        assertThat(prefixed.scanPattern()).isEqualTo("crs\\[1\\]:*");
        assertThat(new CrsKeys("").scanPattern()).isEqualTo("*");
    }

    @Test
    void bucketsStartAtMidnightOfCrsOffset() {
        CrsOffset plus8 = CrsOffset.parse("+8");
        assertThat(plus8.start(Granularity.HOUR, "2026-11-03:08")).isEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
        assertThat(plus8.start(Granularity.DAY, "2026-11-03")).isEqualTo(Instant.parse("2026-11-02T16:00:00Z"));
        assertThat(plus8.start(Granularity.MONTH, "2026-11")).isEqualTo(Instant.parse("2026-10-31T16:00:00Z"));
        assertThat(plus8.end(Granularity.MONTH, Instant.parse("2026-10-31T16:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-30T16:00:00Z"));
        assertThat(plus8.label(Granularity.HOUR, Instant.parse("2026-11-03T23:00:00Z"))).isEqualTo("2026-11-04:07");
        assertThat(CrsOffset.parse("-5").start(Granularity.DAY, "2026-11-03"))
                .isEqualTo(Instant.parse("2026-11-03T05:00:00Z"));
    }
}
