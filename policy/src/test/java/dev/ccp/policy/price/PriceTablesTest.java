package dev.ccp.policy.price;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceTablesTest {
    private static final Set<String> PROVIDERS = Set.of("anthropic", "zai");
    private static final Instant NOW = Instant.parse("2025-12-01T10:00:00Z");

    private static String refusal(String yaml) {
        return assertThrows(PriceException.class,
                () -> PriceTables.merge(List.of(Map.entry("p.yaml", yaml)), PROVIDERS)).getMessage();
    }

    @Test
    void a_negative_price_is_refused_with_its_file_and_line() {
        assertEquals("p.yaml:5: output is negative: -15", refusal("""
                prices:
                  - provider: anthropic
                    match: sonnet
                    effective_from: 2025-01-01
                    output: -15
                    input: 3
                """));
    }

    @Test
    void a_price_that_is_not_a_number_is_refused_with_its_line() {
        assertEquals("p.yaml:5: cache_read is not a number: cheap", refusal("""
                prices:
                  - provider: anthropic
                    match: sonnet
                    effective_from: 2025-01-01
                    cache_read: cheap
                    input: 3
                    output: 15
                """));
    }

    @Test
    void a_price_finer_than_six_decimals_is_refused_rather_than_rounded() {
        assertTrue(refusal("""
                prices:
                  - {provider: anthropic, match: sonnet, effective_from: 2025-01-01, input: 0.0000001, output: 1}
                """).startsWith("p.yaml:2: input has more than 6 decimals"));
    }

    @Test
    void an_unknown_provider_is_refused_naming_the_known_ones() {
        String why = refusal("""
                prices:
                  - provider: anthropic
                    match: sonnet
                    effective_from: 2025-01-01
                    input: 3
                    output: 15
                  - provider: openai
                    match: gpt
                    effective_from: 2025-01-01
                    input: 1
                    output: 1
                """);
        assertTrue(why.startsWith("p.yaml:7: unknown provider openai (known: "), why);
    }

    @Test
    void two_entries_of_one_model_from_the_same_day_are_refused() {
        assertEquals("p.yaml:3: anthropic Sonnet already has an entry effective_from 2025-01-01 at p.yaml:2", refusal("""
                prices:
                  - {provider: anthropic, match: sonnet, effective_from: 2025-01-01, input: 3, output: 15}
                  - {provider: anthropic, match: Sonnet, effective_from: 2025-01-01, input: 4, output: 15}
                """));
    }

    @Test
    void a_misspelt_key_is_refused_instead_of_silently_pricing_at_the_input_rate() {
        assertTrue(refusal("""
                prices:
                  - provider: anthropic
                    match: sonnet
                    effective_from: 2025-01-01
                    input: 3
                    output: 15
                    cache_raed: 0.3
                """).startsWith("p.yaml:7: unknown key cache_raed in a price entry"));
    }

    @Test
    void an_entry_without_a_date_or_with_a_bad_one_is_refused() {
        assertEquals("p.yaml:2: the entry has no effective_from (a date, YYYY-MM-DD)", refusal("""
                prices:
                  - {provider: anthropic, match: sonnet, input: 3, output: 15}
                """));
        assertEquals("p.yaml:4: effective_from must be a date (YYYY-MM-DD), not soon", refusal("""
                prices:
                  - provider: anthropic
                    match: sonnet
                    effective_from: soon
                    input: 3
                    output: 15
                """));
    }

    @Test
    void a_higher_layer_replaces_an_entry_of_the_same_date_and_its_own_entries_win_the_match() {
        PriceTable t = PriceTables.merge(List.of(
                Map.entry("configs/prices.yaml", """
                        prices:
                          - {provider: anthropic, match: claude-sonnet, effective_from: 2025-01-01, input: 3, output: 15}
                          - {provider: anthropic, match: claude-haiku, effective_from: 2025-01-01, input: 1, output: 5}
                        """),
                Map.entry("user/prices.yaml", """
                        prices:
                          - {provider: anthropic, match: claude-haiku, effective_from: 2025-01-01, input: 2, output: 10}
                          - {provider: anthropic, match: sonnet-special, effective_from: 2025-01-01, input: 9, output: 9}
                        """)), PROVIDERS);
        TokenUsage million = TokenUsage.of(1_000_000, 0, 0, 0);
        assertEquals("2", Money.text(Pricing.cost(t, "anthropic", "claude-haiku-4-5", million, NOW)));
        assertEquals("9", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-special", million, NOW)));
        assertEquals("3", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-4-5", million, NOW)));
        assertEquals(List.of("configs/prices.yaml", "user/prices.yaml"), t.layers());
    }

    @Test
    void the_shipped_table_loads_and_prices_the_current_models() {
        Path shipped = Path.of(System.getProperty("ccp.root", "..")).resolve("configs/prices.yaml");
        PriceTable t = PriceTables.load(PriceFiles.only(shipped), PROVIDERS);
        TokenUsage u = TokenUsage.of(100_000, 100_000, 0, 0);
        assertEquals("1.8", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-4-5-20250929", u, NOW)));
        assertEquals("3", Money.text(Pricing.cost(t, "anthropic", "claude-opus-4-5-20251101", u, NOW)));
        assertEquals("9", Money.text(Pricing.cost(t, "anthropic", "claude-opus-4-1-20250805", u, NOW)));
        assertEquals("0.6", Money.text(Pricing.cost(t, "anthropic", "claude-haiku-4-5-20251001", u, NOW)));
        assertEquals("0.28", Money.text(Pricing.cost(t, "zai", "glm-4.6", u, NOW)));
        assertEquals("0.13", Money.text(Pricing.cost(t, "zai", "glm-4.5-air", u, NOW)));
        assertEquals("0.56", Money.text(Pricing.cost(t, "zai", "glm-4.5-airx", u, NOW)));
        // Sonnet's long-context tier: 300k input + 100k output at 6 and 22.50.
        assertEquals("4.05", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-4-5", TokenUsage.of(300_000, 100_000, 0, 0), NOW)));
        for (PriceEntry e : t.entries()) {
            assertTrue(e.source() != null && e.source().contains("http"), e.where() + " names its source");
        }
        assertTrue(t.plans().isEmpty(), "no plan is assumed for the user");
    }

    @Test
    void the_shipped_table_prices_newer_models_at_their_own_rates_not_at_an_older_name_they_contain() {
        Path shipped = Path.of(System.getProperty("ccp.root", "..")).resolve("configs/prices.yaml");
        PriceTable t = PriceTables.load(PriceFiles.only(shipped), PROVIDERS);
        Instant dec2026 = Instant.parse("2026-12-01T10:00:00Z");
        TokenUsage u = TokenUsage.of(100_000, 100_000, 0, 0);
        // claude-opus-4 (15/75) is a substring of these: they must find their own entries first.
        assertEquals("3", Money.text(Pricing.cost(t, "anthropic", "claude-opus-4-6", u, dec2026)));
        assertEquals("3", Money.text(Pricing.cost(t, "anthropic", "claude-opus-4-8", u, dec2026)));
        assertEquals("3", Money.text(Pricing.cost(t, "anthropic", "claude-opus-5", u, dec2026)));
        assertEquals("2.4", Money.text(Pricing.cost(t, "anthropic", "claude-opus-5-5", u, dec2026)));
        assertEquals("1.2", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-5-5", u, dec2026)));
        assertEquals("2.4", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-4-6", TokenUsage.of(300_000, 100_000, 0, 0), dec2026)),
                "claude-sonnet-4's long-context tier is not applied to Sonnet 4.6 (not confirmed for it)");
        // Sonnet 5.5's cache hits: 0.20 before 2026-10-07, 0.10 from then on.
        TokenUsage hits = TokenUsage.of(0, 0, 0, 1_000_000);
        assertEquals("0.2", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-5-5", hits, Instant.parse("2026-10-06T12:00:00Z"))));
        assertEquals("0.1", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-5-5", hits, Instant.parse("2026-10-07T00:00:00Z"))));
        // A 1-hour cache write costs twice the base input price.
        TokenUsage oneHour = new TokenUsage(0, 0, 100_000, 100_000, 0);
        assertEquals("0.6", Money.text(Pricing.cost(t, "anthropic", "claude-sonnet-4-5", oneHour, dec2026)));
        assertEquals("1", Money.text(Pricing.cost(t, "anthropic", "claude-opus-4-5", oneHour, dec2026)));
        assertEquals("0.047", Money.text(Pricing.cost(t, "zai", "glm-4.7-flash", u, dec2026)), "not at glm-4.7's rates");
        assertEquals("0.28", Money.text(Pricing.cost(t, "zai", "glm-4.7", u, dec2026)));
        assertNull(Pricing.cost(t, "zai", "glm-5.1", u, dec2026), "unconfirmed: unpriced rather than guessed");
    }

    @Test
    void a_broken_edit_is_refused_and_the_last_good_table_stays_in_force_until_a_good_one(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.yaml");
        Files.writeString(file, "prices:\n  - {provider: zai, match: glm, effective_from: 2025-01-01, input: 1, output: 1}\n");
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        List<String> said = new ArrayList<>();
        InstantSource clock = now::get;
        LivePrices live = LivePrices.load(PriceFiles.only(file), PROVIDERS, clock, Duration.ofSeconds(1), said::add);
        TokenUsage million = TokenUsage.of(1_000_000, 0, 0, 0);

        Files.writeString(file, "prices:\n  - {provider: zai, match: glm, effective_from: 2025-01-01, input: -2, output: 1}\n");
        assertFalse(live.poll(), "not due yet: the clock has not moved");
        now.set(NOW.plusSeconds(1));
        assertFalse(live.poll());
        assertEquals(file + ":2: input is negative: -2", live.refusal());
        assertEquals("1", Money.text(Pricing.cost(live.table(), "zai", "glm-4.6", million, NOW)));
        assertTrue(said.getLast().contains("refused"), said.toString());

        Files.writeString(file, "prices:\n  - {provider: zai, match: glm, effective_from: 2025-01-01, input: 2, output: 1}\n");
        now.set(NOW.plusSeconds(2));
        assertTrue(live.poll());
        assertNull(live.refusal());
        assertEquals("2", Money.text(Pricing.cost(live.table(), "zai", "glm-4.6", million, NOW)));
    }

    @Test
    void a_named_price_file_that_does_not_exist_is_refused(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertEquals(missing + ": the price file does not exist",
                assertThrows(PriceException.class, () -> PriceTables.load(PriceFiles.only(missing), PROVIDERS)).getMessage());
    }
}
