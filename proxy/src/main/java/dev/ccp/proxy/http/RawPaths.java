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
        String[] segments = rawPath.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String decoded = decode(segments[i]);
            if (decoded.isEmpty() && i < segments.length - 1) {
                return "the request path " + rawPath + " has an empty segment (//); send the normalised path";
            }
            for (String part : decoded.split("[/\\\\]", -1)) {
                if (part.equals(".") || part.equals("..")) {
                    return "the request path " + rawPath + " has a . or .. segment; send the normalised path";
                }
            }
        }
        return null;
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
