package dev.usageledger.projections.pricing;

import java.nio.charset.StandardCharsets;

/** Tiny catalogs for tests, in LiteLLM format. */
final class TestCatalogs {

    private TestCatalogs() {}

    static final String TINY_JSON = """
            {
                "sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ...", "mode": "chat"},
                "claude-bare-4": {
                    "input_cost_per_token": 1e-06,
                    "output_cost_per_token": 5e-06,
                    "litellm_provider": "anthropic",
                    "mode": "chat"
                },
                "claude-partial-4": {
                    "input_cost_per_token": 2e-06,
                    "output_cost_per_token": 1e-05,
                    "cache_creation_input_token_cost": 3e-06,
                    "mode": "chat"
                },
                "gpt-bare": {
                    "input_cost_per_token": 2e-06,
                    "output_cost_per_token": 8e-06,
                    "litellm_provider": "openai"
                },
                "mystery-model": {
                    "input_cost_per_token": 1e-06,
                    "output_cost_per_token": 2e-06,
                    "litellm_provider": "custom"
                },
                "tiered-model": {
                    "input_cost_per_token": 1e-06,
                    "output_cost_per_token": 1e-05,
                    "input_cost_per_token_above_200k_tokens": 4e-06,
                    "output_cost_per_token_above_200k_tokens": 2e-05,
                    "input_cost_per_token_above_128k_tokens": 2e-06,
                    "litellm_provider": "custom"
                },
                "sub-unit-model": {
                    "input_cost_per_token": 1.5e-10,
                    "output_cost_per_token": 1.5e-10,
                    "cache_read_input_token_cost": 2.5e-10,
                    "litellm_provider": "custom",
                    "_source": "prices below the 10th fraction digit, to show where rounding happens"
                }
            }
            """;

    static PricingCatalog tiny() {
        return PricingCatalog.parse(TINY_JSON.getBytes(StandardCharsets.UTF_8), "test:tiny");
    }
}
