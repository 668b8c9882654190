package dev.ccp.proxy.http;

import java.nio.charset.StandardCharsets;

/**
 * The raw path a request may have to be forwarded as is: absolute and already normalised. A path
 * with {@code .} or {@code ..} segments (also percent-encoded, {@code %2e%2e}) or an empty segment
 * ({@code //}) would name another resource once a provider normalises it, so it is refused rather
 * than normalised here into a route the client did not ask for.
 */
final class RawPaths {
    private RawPaths() {
    }

    /** Why {@code rawPath} cannot be forwarded, or null when it can. */
    static String problem(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return "the request path must be absolute (start with /)";
        }
        // Runs twice per request: a scan, no regular expression (String.split with a character
        // class compiles a Pattern on every call).
        int length = rawPath.length();
        int start = 1;
        while (true) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? length : slash;
            String decoded = decode(rawPath.substring(start, end));
            if (decoded.isEmpty() && slash >= 0) {
                return "the request path " + rawPath + " has an empty segment (//); send the normalised path";
            }
            if (hasDotPart(decoded)) {
                return "the request path " + rawPath + " has a . or .. segment; send the normalised path";
            }
            if (slash < 0) {
                return null;
            }
            start = slash + 1;
        }
    }

    /** Whether a decoded segment, cut at {@code /} and {@code \\}, has a part that is {@code .} or {@code ..}. */
    private static boolean hasDotPart(String decoded) {
        int partStart = 0;
        for (int i = 0; i <= decoded.length(); i++) {
            if (i == decoded.length() || decoded.charAt(i) == '/' || decoded.charAt(i) == '\\') {
                int len = i - partStart;
                if ((len == 1 || len == 2) && decoded.charAt(partStart) == '.' && decoded.charAt(i - 1) == '.') {
                    return true;
                }
                partStart = i + 1;
            }
        }
        return false;
    }

    /** Percent-decoding of one segment; a malformed escape is kept as is (it names no dot). */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        byte[] out = new byte[segment.length()];
        int n = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out[n++] = (byte) (hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            out[n++] = (byte) c;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
