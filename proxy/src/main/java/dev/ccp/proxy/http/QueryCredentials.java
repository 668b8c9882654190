package dev.ccp.proxy.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Credentials in a query string ({@code ?key=…}, {@code api_key}, {@code token}…): forwarded to the
 * provider as the client sent them, but the copy written to an event has their values replaced, so
 * the log holds no credential whatever its place in the request. Every other byte of the query is kept.
 */
final class QueryCredentials {
    static final String REDACTED = "REDACTED";
    private static final Set<String> NAMES = Set.of("key", "api_key", "apikey", "api-key", "x-api-key", "token",
            "access_token", "auth", "authorization", "auth_token", "secret", "client_secret", "password", "sig",
            "signature");

    private QueryCredentials() {
    }

    /** {@code rawQuery} with the value of every credential parameter replaced by {@value #REDACTED}. */
    static String redact(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        StringBuilder out = new StringBuilder(rawQuery.length());
        int from = 0;
        while (from <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', from);
            int to = amp < 0 ? rawQuery.length() : amp;
            String part = rawQuery.substring(from, to);
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            if (eq >= 0 && isCredential(name)) {
                out.append(name).append('=').append(REDACTED);
            } else {
                out.append(part);
            }
            if (amp < 0) {
                break;
            }
            out.append('&');
            from = amp + 1;
        }
        return out.toString();
    }

    private static boolean isCredential(String rawName) {
        String name;
        try {
            name = URLDecoder.decode(rawName, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            name = rawName.toLowerCase(Locale.ROOT);
        }
        return NAMES.contains(name) || name.endsWith("_key") || name.endsWith("-key") || name.endsWith("token")
                || name.endsWith("secret");
    }
}
