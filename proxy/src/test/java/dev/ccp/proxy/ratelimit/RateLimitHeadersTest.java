package dev.ccp.proxy.ratelimit;

import dev.ccp.events.RateLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitHeadersTest {

    private static RateLimits parse(String... nameValues) {
        java.util.ArrayList<Map.Entry<String, String>> h = new java.util.ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(Map.entry(nameValues[i], nameValues[i + 1]));
        }
        return RateLimitHeaders.parse(h);
    }

    @Test
    void the_plan_windows_are_read_with_their_utilisation_status_and_reset() {
        RateLimits r = parse(
                "Anthropic-Ratelimit-Unified-Status", "allowed_warning",
                "anthropic-ratelimit-unified-reset", "1764590400",
                "anthropic-ratelimit-unified-representative-claim", "five_hour",
                "anthropic-ratelimit-unified-5h-status", "allowed_warning",
                "anthropic-ratelimit-unified-5h-utilization", "0.93",
                "anthropic-ratelimit-unified-5h-reset", "1764590400",
                "anthropic-ratelimit-unified-7d-status", "allowed",
                "anthropic-ratelimit-unified-7d-utilization", "0.41",
                "anthropic-ratelimit-unified-7d-reset", "1765000000",
                "content-type", "application/json");
        assertEquals("allowed_warning", r.status());
        assertEquals(1764590400L, r.resetS());
        assertEquals("five_hour", r.representativeClaim());
        assertEquals(new RateLimits.Window("allowed_warning", 0.93, 1764590400L), r.fiveHour());
        assertEquals(new RateLimits.Window("allowed", 0.41, 1765000000L), r.sevenDay());
        assertNull(r.requests());
        assertEquals(0, r.malformed());
    }

    @Test
    void the_api_limits_are_read_with_rfc3339_resets_as_epoch_seconds() {
        RateLimits r = parse(
                "anthropic-ratelimit-requests-limit", "50",
                "anthropic-ratelimit-requests-remaining", "49",
                "anthropic-ratelimit-requests-reset", "2025-12-01T10:00:01Z",
                "anthropic-ratelimit-input-tokens-limit", "30000",
                "anthropic-ratelimit-input-tokens-remaining", "29000",
                "anthropic-ratelimit-input-tokens-reset", "2025-12-01T10:00:02+00:00",
                "anthropic-ratelimit-tokens-remaining", "37000");
        assertEquals(new RateLimits.Limit(50L, 49L, 1764583201L), r.requests());
        assertEquals(new RateLimits.Limit(30000L, 29000L, 1764583202L), r.inputTokens());
        assertEquals(new RateLimits.Limit(null, 37000L, null), r.tokens());
        assertNull(r.outputTokens());
        assertNull(r.fiveHour());
    }

    @Test
    void a_malformed_value_is_left_out_and_counted_and_the_others_are_kept() {
        RateLimits r = parse(
                "anthropic-ratelimit-unified-5h-utilization", "ninety percent",
                "anthropic-ratelimit-unified-5h-reset", "tomorrow",
                "anthropic-ratelimit-unified-5h-status", "allowed",
                "anthropic-ratelimit-requests-remaining", "-3",
                "anthropic-ratelimit-unified-7d-utilization", "0.5");
        assertEquals(3, r.malformed());
        assertEquals(new RateLimits.Window("allowed", null, null), r.fiveHour());
        assertEquals(0.5, r.sevenDay().utilization());
        assertNull(r.requests());
    }

    @Test
    void only_malformed_headers_still_say_how_many_were_malformed() {
        RateLimits r = parse("anthropic-ratelimit-unified-5h-utilization", "NaN");
        assertEquals(1, r.malformed());
        assertTrue(r.noValues());
    }

    @Test
    void an_answer_without_the_headers_or_with_unknown_ones_of_the_family_has_none() {
        assertNull(parse("content-type", "application/json", "request-id", "req_1"));
        assertNull(parse("anthropic-ratelimit-unified-fallback-percentage", "0.5"));
        assertNull(RateLimitHeaders.parse(List.of()));
    }

    @Test
    void a_credential_is_named_by_a_fingerprint_that_does_not_contain_it() {
        String key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";
        String f = CredentialFingerprint.of(key, null);
        assertTrue(f.matches("cred_[0-9a-f]{12}"), f);
        assertTrue(!f.contains("abcdef") || !key.contains(f.substring(5)));
        assertEquals(f, CredentialFingerprint.of(null, "Bearer " + key), "one key sent either way is one credential");
        assertNotEquals(f, CredentialFingerprint.of("sk-ant-api03-other", null));
        assertEquals("none", CredentialFingerprint.of(null, null));
    }
}
