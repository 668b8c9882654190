package dev.ccp.proxy.resilience;

import dev.ccp.events.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A provider saying "limited": 429 (rate limit), 529 (overloaded) or Z.AI's insufficient balance
 * ({@code error.type} or {@code error.code} {@code "1113"} in the JSON body, whatever the status).
 *
 * @param reason     {@code 429}, {@code 529} or {@code 1113}
 * @param account    the answer is about the account (worth retrying the same provider later): a 529, or
 *                   a 429 with {@code retry-after} or {@code anthropic-ratelimit-*} headers. A bare 429 is
 *                   about the request itself; a 1113 does not go away by waiting.
 * @param retryAfter the provider's {@code retry-after} (seconds or an HTTP date), or null
 */
public record LimitAnswer(String reason, boolean account, Duration retryAfter) {
    private static final ObjectMapper JSON = Json.MAPPER;

    /** The limit this answer is, or null when it is none. */
    public static LimitAnswer of(int status, Headers headers, byte[] errorBody, Instant now) {
        if (insufficientBalance(errorBody)) {
            return new LimitAnswer("1113", false, null);
        }
        if (status != 429 && status != 529) {
            return null;
        }
        Duration retryAfter = headers == null ? null : retryAfter(headers, now);
        boolean rateHeaders = false;
        if (headers != null) {
            for (Header h : headers) {
                if (h.name().toLowerCase(Locale.ROOT).startsWith("anthropic-ratelimit-")) {
                    rateHeaders = true;
                    break;
                }
            }
        }
        boolean account = status == 529 || retryAfter != null || rateHeaders;
        return new LimitAnswer(Integer.toString(status), account, retryAfter);
    }

    static boolean insufficientBalance(byte[] body) {
        if (body == null || body.length == 0) {
            return false;
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            return "1113".equals(error.path("type").asText()) || "1113".equals(error.path("code").asText());
        } catch (Exception e) {
            return false;
        }
    }

    /** {@code retry-after} as seconds or an HTTP date, relative to {@code now}; null when absent or unreadable. */
    static Duration retryAfter(Headers headers, Instant now) {
        String v = headers.first(HeaderNames.RETRY_AFTER).orElse(null);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
