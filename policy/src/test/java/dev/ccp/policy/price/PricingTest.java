package dev.ccp.policy.price;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PricingTest {
    private static final Instant DEC_2025 = Instant.parse("2025-12-01T10:00:00Z");

    static PriceTable table(String yaml) {
        return PriceTables.merge(List.of(Map.entry("prices.yaml", yaml)), Set.of("anthropic", "zai"));
    }

    static final String SONNET = """
            prices:
              - provider: anthropic
                match: claude-sonnet-4-5
                effective_from: 2025-09-29
                input: 3
                output: 15
                cache_write_5m: 3.75
                cache_write_1h: 6
                cache_read: 0.30
                above_200k: {input: 6, output: 22.50, cache_write_5m: 7.50, cache_write_1h: 12, cache_read: 0.60}
              - provider: anthropic
                match: claude-haiku-4-5
                effective_from: 2025-10-15
                input: 1
                output: 5
                cache_write_5m: 1.25
                cache_write_1h: 2
                cache_read: 0.10
              - provider: zai
                match: glm-4.6
                effective_from: 2025-09-30
                input: 0.60
                output: 2.20
                cache_read: 0.11
            """;

    @Test
    void every_token_kind_is_priced_at_its_own_rate_to_the_exact_pico_dollar() {
        // 1000 × 3 + 2000 × 15 + 10000 × 3.75 (5m writes) + 4000 × 6 (1h writes) + 50000 × 0.30 = 109,500 µ$
        TokenUsage u = new TokenUsage(1_000, 2_000, 14_000, 4_000, 50_000);
        Long cost = Pricing.cost(table(SONNET), "anthropic", "claude-sonnet-4-5-20250929", u, DEC_2025);
        assertEquals("0.1095", Money.text(cost));
    }

    @Test
    void a_prompt_above_200k_tokens_prices_the_whole_request_at_the_higher_tier() {
        TokenUsage above = TokenUsage.of(150_000, 1_000, 0, 60_000);      // 210,000 prompt tokens
        TokenUsage at = TokenUsage.of(140_000, 1_000, 0, 60_000);         // exactly 200,000: base tier
        PriceTable t = table(SONNET);
        // 150000 × 6 + 1000 × 22.50 + 60000 × 0.60 = 958,500 µ$
        assertEquals("0.9585", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-4-5", above, DEC_2025)));
        // 140000 × 3 + 1000 × 15 + 60000 × 0.30 = 453,000 µ$
        assertEquals("0.453", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-4-5", at, DEC_2025)));
        // A model without a higher tier keeps its rates above 200k.
        assertEquals("0.161", Money.text(Pricing.cost(t, "anthropic", "claude-haiku-4-5", above, DEC_2025)));
    }

    @Test
    void a_cache_rate_left_out_costs_what_an_input_token_costs() {
        TokenUsage u = TokenUsage.of(0, 0, 1_000_000, 1_000_000);
        // writes at the input rate 0.60, reads at 0.11
        assertEquals("0.71", Money.text(Pricing.cost(table(SONNET), "zai", "glm-4.6", u, DEC_2025)));
    }

    @Test
    void a_model_without_a_price_costs_null_not_zero_unless_it_used_no_tokens() {
        PriceTable t = table(SONNET);
        assertNull(Pricing.cost(t, "anthropic", "claude-unknown-9", TokenUsage.of(10, 10, 0, 0), DEC_2025));
        assertNull(Pricing.cost(t, "zai", "claude-sonnet-4-5", TokenUsage.of(10, 10, 0, 0), DEC_2025));
        assertEquals(0L, Pricing.cost(t, "anthropic", "claude-unknown-9", TokenUsage.of(0, 0, 0, 0), DEC_2025));
    }

    @Test
    void a_price_applies_from_its_effective_date_and_a_later_entry_takes_over_from_its_own() {
        PriceTable t = table("""
                prices:
                  - {provider: anthropic, match: opus, effective_from: 2025-01-01, input: 15, output: 75}
                  - {provider: anthropic, match: opus, effective_from: 2025-11-24, input: 5, output: 25}
                """);
        TokenUsage u = TokenUsage.of(1_000_000, 0, 0, 0);
        assertNull(Pricing.cost(t, "anthropic", "claude-opus-4", u, Instant.parse("2024-12-31T23:59:59Z")));
        assertEquals("15", Money.text(Pricing.cost(t, "anthropic", "claude-opus-4", u, Instant.parse("2025-11-23T23:59:59Z"))));
        assertEquals("5", Money.text(Pricing.cost(t, "anthropic", "claude-opus-4", u, Instant.parse("2025-11-24T00:00:00Z"))));
    }

    @Test
    void an_offloaded_request_saves_the_list_price_of_the_model_asked_for_minus_what_the_provider_charged() {
        PriceTable t = table(SONNET);
        TokenUsage u = TokenUsage.of(100_000, 10_000, 0, 0);
        Pricing.RequestCost c = Pricing.of(t, "zai", "glm-4.6", "claude-haiku-4-5-20251001", u, DEC_2025);
        assertEquals("0.082", Money.text(c.cost()));          // 100000 × 0.60 + 10000 × 2.20
        assertEquals("0.15", Money.text(c.listCost()));       // 100000 × 1 + 10000 × 5
        assertEquals("0.068", Money.text(c.saved()));
        Pricing.RequestCost home = Pricing.of(t, "anthropic", "claude-haiku-4-5", "claude-haiku-4-5", u, DEC_2025);
        assertEquals(home.cost(), home.listCost());
        assertEquals(0, home.saved());
    }

    @Test
    void under_a_flat_plan_the_provider_charges_nothing_per_token_and_the_fee_is_pro_rated_by_day() {
        PriceTable t = table(SONNET + """
                plans:
                  - {provider: zai, name: Lite, monthly_usd: 30, effective_from: 2025-11-01, effective_until: 2026-01-01}
                """);
        TokenUsage u = TokenUsage.of(100_000, 10_000, 0, 0);
        assertEquals(0L, Pricing.cost(t, "zai", "glm-4.6", u, DEC_2025));
        assertEquals("0.082", Money.text(Pricing.cost(t, "zai", "glm-4.6", u, Instant.parse("2026-01-01T00:00:00Z"))));
        // A whole November (30 days) is the fee exactly; one November day is 1/30 of it.
        assertEquals("30", Money.text(t.planFees("zai", Instant.parse("2025-11-01T00:00:00Z"), Instant.parse("2025-12-01T00:00:00Z"))));
        assertEquals("1", Money.text(t.planFees(null, Instant.parse("2025-11-05T00:00:00Z"), Instant.parse("2025-11-06T00:00:00Z"))));
        // Half a November day + half a December day: 0.5 + 15/31, rounded once to the pico-dollar.
        assertEquals("0.983870967742", Money.text(t.planFees("zai", Instant.parse("2025-11-30T12:00:00Z"), Instant.parse("2025-12-01T12:00:00Z"))));
        // Nothing before it starts or after it ends.
        assertEquals(0L, t.planFees("zai", Instant.parse("2025-10-01T00:00:00Z"), Instant.parse("2025-11-01T00:00:00Z")));
        assertEquals(0L, t.planFees("zai", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z")));
    }

    @Test
    void a_million_small_costs_add_up_without_drift() {
        PriceTable t = table(SONNET);
        long sum = 0;
        for (int i = 0; i < 1_000_000; i++) {
            sum += Pricing.cost(t, "anthropic", "claude-haiku-4-5", TokenUsage.of(0, 0, 0, 1), DEC_2025);
        }
        assertEquals("0.1", Money.text(sum));   // 10^6 cache reads at 0.10 per million
    }

    @Test
    void doubling_a_providers_rates_doubles_its_costs_and_nothing_else() {
        PriceTable t = table(SONNET);
        PriceTable doubled = t.withRatesTimes("zai", 2);
        TokenUsage u = new TokenUsage(1_234, 567, 890, 123, 4_567);
        assertEquals(2 * Pricing.cost(t, "zai", "glm-4.6", u, DEC_2025), Pricing.cost(doubled, "zai", "glm-4.6", u, DEC_2025));
        assertEquals(Pricing.cost(t, "anthropic", "claude-sonnet-4-5", u, DEC_2025),
                Pricing.cost(doubled, "anthropic", "claude-sonnet-4-5", u, DEC_2025));
    }
}
