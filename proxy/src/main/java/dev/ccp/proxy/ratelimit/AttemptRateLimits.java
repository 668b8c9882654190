package dev.ccp.proxy.ratelimit;

import dev.ccp.events.RateLimits;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request path's hook: what an upstream answer's rate-limit headers say, and whose credential they
 * describe, for the attempt's event.
 *
 * @param credential the fingerprint of the credential sent upstream (see {@link CredentialFingerprint})
 */
public record AttemptRateLimits(String credential, RateLimits limits) {

    /**
     * @param sent     the headers sent upstream (the credential is read from them, only to fingerprint it)
     * @param answered the answer's headers, or null when no answer came
     * @return null when the answer carried no rate-limit header
     */
    public static AttemptRateLimits of(Headers sent, Headers answered) {
        if (answered == null) {
            return null;
        }
        List<Map.Entry<String, String>> family = null;
        for (Header h : answered) {
            String name = h.name();
            if (name.regionMatches(true, 0, RateLimitHeaders.PREFIX, 0, RateLimitHeaders.PREFIX.length())) {
                if (family == null) {
                    family = new ArrayList<>();
                }
                family.add(Map.entry(name.toLowerCase(Locale.ROOT), h.get()));
            }
        }
        if (family == null) {
            return null;
        }
        RateLimits limits = RateLimitHeaders.parse(family);
        if (limits == null) {
            return null;
        }
        return new AttemptRateLimits(CredentialFingerprint.of(
                sent.first(HeaderNames.create("x-api-key")).orElse(null),
                sent.first(HeaderNames.AUTHORIZATION).orElse(null)), limits);
    }
}
