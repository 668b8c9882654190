package dev.ccp.events;

import java.nio.charset.StandardCharsets;

/**
 * Binds the five events every proxied request writes (RequestReceived, RouteDecided, UpstreamAttempt,
 * ResponseCompleted, StreamPartial) straight from the document's bytes, without a JSON parser: a replay
 * decodes millions of them, and a parser per document (its buffers, symbol table and a String per
 * field name) cost as much as the binding.
 *
 * <p>It takes only the compact form {@link EventCodec#encode} writes: no whitespace, the known fields,
 * ASCII strings (escapes allowed), whole numbers in range, {@code true}/{@code false}/{@code null}.
 * Anything else (another type, an unknown field, a nested object, a byte above 0x7F, a number with a
 * fraction, broken JSON) returns {@code null}, and the caller reads the document the way it did before
 * this binder existed, so such a document reads (or fails) exactly as it did.
 *
 * <p>Short values of the fields that take few distinct values (model, lane, provider, …) come from a
 * small shared table of strings already made, so a replay does not make a new String for each.
 * The table is racy by design: a slot holds an immutable String or null, and a miss only makes a new one.
 */
final class EventByteBinder {
    private static final int SHARED_MAX = 48;
    private static final String[] SHARED = new String[4096];

    private static final byte[][] REQUEST_RECEIVED = names("id", "req_id", "ts_us", "instance", "method", "path",
            "query", "model", "stream", "body_bytes", "client_auth", "user_agent", "session_id", "mode", "project");
    private static final byte[][] ROUTE_DECIDED = names("id", "req_id", "ts_us", "instance", "decision", "lane",
            "provider", "model", "upstream_model", "header_mode", "reason");
    private static final byte[][] UPSTREAM_ATTEMPT = names("id", "req_id", "ts_us", "instance", "attempt", "provider",
            "url", "http", "status", "duration_us", "outcome", "error_type", "credential", "rate_limit");
    private static final byte[][] RESPONSE_COMPLETED = names("id", "req_id", "ts_us", "instance", "status", "op",
            "latency_us", "ttfb_us", "input_tokens", "output_tokens", "cache_creation_input_tokens",
            "cache_read_input_tokens", "stop_reason", "http", "outcome", "bytes_relayed", "error_type",
            "cache_creation_1h_input_tokens");
    private static final byte[][] STREAM_PARTIAL = names("id", "req_id", "ts_us", "instance", "bytes_relayed",
            "truncated", "data");

    private static final byte[] T_REQUEST_RECEIVED = ascii("RequestReceived");
    private static final byte[] T_ROUTE_DECIDED = ascii("RouteDecided");
    private static final byte[] T_UPSTREAM_ATTEMPT = ascii("UpstreamAttempt");
    private static final byte[] T_RESPONSE_COMPLETED = ascii("ResponseCompleted");
    private static final byte[] T_STREAM_PARTIAL = ascii("StreamPartial");

    /** Thrown inside to give up on a document; never leaves this class. */
    private static final class NotBound extends Exception {
        static final NotBound INSTANCE = new NotBound();

        private NotBound() {
            super(null, null, false, false);
        }
    }

    private final byte[] b;
    private final int end;
    private int p;
    /** The field matched last, so the next one is tried first (fields come in the order they are written). */
    private int lastField = -1;

    private EventByteBinder(byte[] b, int p, int end) {
        this.b = b;
        this.p = p;
        this.end = end;
    }

    /**
     * The event, or null when the document is not one taken here. The caller has checked that it starts
     * {@code {"type":"…","v":1} followed by {@code ,} or {@code }} ({@link EventCodec#writtenByThisVersion}).
     */
    static Event bind(byte[] json, int offset, int length) {
        int end = offset + length;
        int typeStart = offset + 9; // {"type":"
        int typeEnd = typeStart;
        while (typeEnd < end && json[typeEnd] != '"') {
            typeEnd++;
        }
        EventByteBinder d = new EventByteBinder(json, typeEnd + 7, end); // ","v":1
        try {
            if (same(json, typeStart, typeEnd, T_RESPONSE_COMPLETED)) {
                return d.responseCompleted();
            }
            if (same(json, typeStart, typeEnd, T_UPSTREAM_ATTEMPT)) {
                return d.upstreamAttempt();
            }
            if (same(json, typeStart, typeEnd, T_ROUTE_DECIDED)) {
                return d.routeDecided();
            }
            if (same(json, typeStart, typeEnd, T_REQUEST_RECEIVED)) {
                return d.requestReceived();
            }
            if (same(json, typeStart, typeEnd, T_STREAM_PARTIAL)) {
                return d.streamPartial();
            }
            return null;
        } catch (NotBound | RuntimeException e) {
            return null;
        }
    }

    /**
     * The index in {@code names} of the next field, or -1 at the object's end (which must be the
     * document's end). Expects {@code ,"name":} or {@code }}.
     */
    private int field(byte[][] names) throws NotBound {
        if (p >= end) {
            throw NotBound.INSTANCE;
        }
        byte c = b[p++];
        if (c == '}') {
            if (p != end) {
                throw NotBound.INSTANCE;
            }
            return -1;
        }
        if (c != ',' || p >= end || b[p++] != '"') {
            throw NotBound.INSTANCE;
        }
        int start = p;
        while (p < end && b[p] != '"') {
            if (b[p] == '\\') {
                throw NotBound.INSTANCE;
            }
            p++;
        }
        int nameEnd = p;
        if (p + 1 >= end || b[p + 1] != ':') {
            throw NotBound.INSTANCE;
        }
        p += 2;
        int next = lastField + 1;
        if (next < names.length && same(b, start, nameEnd, names[next])) {
            return lastField = next;
        }
        for (int i = 0; i < names.length; i++) {
            if (same(b, start, nameEnd, names[i])) {
                return lastField = i;
            }
        }
        throw NotBound.INSTANCE;
    }

    private boolean literal(String word) {
        int n = word.length();
        if (end - p < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[p + i] != word.charAt(i)) {
                return false;
            }
        }
        p += n;
        return true;
    }

    /** A string or null; {@code shared} for fields with few distinct values. */
    private String text(boolean shared) throws NotBound {
        if (p >= end) {
            throw NotBound.INSTANCE;
        }
        if (b[p] != '"') {
            if (literal("null")) {
                return null;
            }
            throw NotBound.INSTANCE;
        }
        int start = ++p;
        int hash = 0;
        while (p < end) {
            byte c = b[p];
            if (c == '"') {
                int len = p - start;
                p++;
                return shared && len <= SHARED_MAX ? shared(start, len, hash) : new String(b, start, len, StandardCharsets.ISO_8859_1);
            }
            if (c == '\\') {
                return escaped(start);
            }
            if (c < 0x20) { // also every byte above 0x7F (negative): left to the parser, which checks its UTF-8
                throw NotBound.INSTANCE;
            }
            hash = 31 * hash + c;
            p++;
        }
        throw NotBound.INSTANCE;
    }

    /** The rest of a string with escapes, from its start; ASCII only. */
    private String escaped(int start) throws NotBound {
        StringBuilder sb = new StringBuilder(p - start + 16);
        for (int i = start; i < p; i++) {
            sb.append((char) b[i]);
        }
        while (p < end) {
            byte c = b[p++];
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw NotBound.INSTANCE;
            }
            if (c != '\\') {
                sb.append((char) c);
                continue;
            }
            if (p >= end) {
                throw NotBound.INSTANCE;
            }
            byte e = b[p++];
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (end - p < 4) {
                        throw NotBound.INSTANCE;
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int h = Character.digit(b[p++], 16);
                        if (h < 0) {
                            throw NotBound.INSTANCE;
                        }
                        v = v << 4 | h;
                    }
                    sb.append((char) v);
                }
                default -> throw NotBound.INSTANCE;
            }
        }
        throw NotBound.INSTANCE;
    }

    private String shared(int start, int len, int hash) {
        int slot = (hash ^ hash >>> 12) & (SHARED.length - 1);
        String s = SHARED[slot];
        if (s != null && s.length() == len) {
            boolean same = true;
            for (int i = 0; i < len; i++) {
                if (s.charAt(i) != b[start + i]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return s;
            }
        }
        s = new String(b, start, len, StandardCharsets.ISO_8859_1);
        SHARED[slot] = s;
        return s;
    }

    /** A whole number as JSON writes it ({@code -?(0|[1-9][0-9]*)}, not followed by a fraction or exponent), in range. */
    private long whole() throws NotBound {
        boolean negative = p < end && b[p] == '-';
        if (negative) {
            p++;
        }
        int start = p;
        long v = 0; // accumulated negative, so that Long.MIN_VALUE fits
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            int digit = b[p] - '0';
            if (v < (Long.MIN_VALUE + digit) / 10) {
                throw NotBound.INSTANCE;
            }
            v = v * 10 - digit;
            p++;
        }
        int digits = p - start;
        if (digits == 0 || (digits > 1 && b[start] == '0')) {
            throw NotBound.INSTANCE;
        }
        if (p < end && (b[p] == '.' || b[p] == 'e' || b[p] == 'E')) {
            throw NotBound.INSTANCE;
        }
        if (negative) {
            return v;
        }
        if (v == Long.MIN_VALUE) {
            throw NotBound.INSTANCE;
        }
        return -v;
    }

    private int integer() throws NotBound {
        long v = whole();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw NotBound.INSTANCE;
        }
        return (int) v;
    }

    private Long wholeOrNull() throws NotBound {
        if (literal("null")) {
            return null;
        }
        return whole();
    }

    private boolean flag() throws NotBound {
        if (literal("true")) {
            return true;
        }
        if (literal("false")) {
            return false;
        }
        throw NotBound.INSTANCE;
    }

    private Boolean flagOrNull() throws NotBound {
        if (literal("null")) {
            return null;
        }
        return flag();
    }

    private Event requestReceived() throws NotBound {
        String id = null, reqId = null, instance = null, method = null, path = null, query = null, model = null;
        String clientAuth = null, userAgent = null, sessionId = null, mode = null, project = null;
        long tsUs = 0, bodyBytes = 0;
        Boolean stream = null;
        for (int f = field(REQUEST_RECEIVED); f >= 0; f = field(REQUEST_RECEIVED)) {
            switch (f) {
                case 0 -> id = text(false);
                case 1 -> reqId = text(false);
                case 2 -> tsUs = whole();
                case 3 -> instance = text(true);
                case 4 -> method = text(true);
                case 5 -> path = text(true);
                case 6 -> query = text(true);
                case 7 -> model = text(true);
                case 8 -> stream = flagOrNull();
                case 9 -> bodyBytes = whole();
                case 10 -> clientAuth = text(true);
                case 11 -> userAgent = text(true);
                case 12 -> sessionId = text(false);
                case 13 -> mode = text(true);
                default -> project = text(true);
            }
        }
        return new Event.RequestReceived(id, reqId, tsUs, instance, method, path, query, model, stream, bodyBytes,
                clientAuth, userAgent, sessionId, mode, project);
    }

    private Event routeDecided() throws NotBound {
        String id = null, reqId = null, instance = null, decision = null, lane = null, provider = null, model = null;
        String upstreamModel = null, headerMode = null, reason = null;
        long tsUs = 0;
        for (int f = field(ROUTE_DECIDED); f >= 0; f = field(ROUTE_DECIDED)) {
            switch (f) {
                case 0 -> id = text(false);
                case 1 -> reqId = text(false);
                case 2 -> tsUs = whole();
                case 3 -> instance = text(true);
                case 4 -> decision = text(true);
                case 5 -> lane = text(true);
                case 6 -> provider = text(true);
                case 7 -> model = text(true);
                case 8 -> upstreamModel = text(true);
                case 9 -> headerMode = text(true);
                default -> reason = text(true);
            }
        }
        return new Event.RouteDecided(id, reqId, tsUs, instance, decision, lane, provider, model, upstreamModel,
                headerMode, reason);
    }

    private Event upstreamAttempt() throws NotBound {
        String id = null, reqId = null, instance = null, provider = null, url = null, http = null, outcome = null;
        String errorType = null, credential = null;
        long tsUs = 0, durationUs = 0;
        int attempt = 0, status = 0;
        for (int f = field(UPSTREAM_ATTEMPT); f >= 0; f = field(UPSTREAM_ATTEMPT)) {
            switch (f) {
                case 0 -> id = text(false);
                case 1 -> reqId = text(false);
                case 2 -> tsUs = whole();
                case 3 -> instance = text(true);
                case 4 -> attempt = integer();
                case 5 -> provider = text(true);
                case 6 -> url = text(true);
                case 7 -> http = text(true);
                case 8 -> status = integer();
                case 9 -> durationUs = whole();
                case 10 -> outcome = text(true);
                case 11 -> errorType = text(true);
                case 12 -> credential = text(true);
                default -> {
                    // rate_limit: only its absence is bound here; an object goes to the parser.
                    if (!literal("null")) {
                        throw NotBound.INSTANCE;
                    }
                }
            }
        }
        return new Event.UpstreamAttempt(id, reqId, tsUs, instance, attempt, provider, url, http, status, durationUs,
                outcome, errorType, credential, null);
    }

    private Event responseCompleted() throws NotBound {
        String id = null, reqId = null, instance = null, op = null, stopReason = null, http = null, outcome = null;
        String errorType = null;
        long tsUs = 0, latencyUs = 0, ttfbUs = 0, inputTokens = 0, outputTokens = 0, cacheCreation = 0, cacheRead = 0;
        long bytesRelayed = 0;
        int status = 0;
        Long cacheCreation1h = null;
        for (int f = field(RESPONSE_COMPLETED); f >= 0; f = field(RESPONSE_COMPLETED)) {
            switch (f) {
                case 0 -> id = text(false);
                case 1 -> reqId = text(false);
                case 2 -> tsUs = whole();
                case 3 -> instance = text(true);
                case 4 -> status = integer();
                case 5 -> op = text(true);
                case 6 -> latencyUs = whole();
                case 7 -> ttfbUs = whole();
                case 8 -> inputTokens = whole();
                case 9 -> outputTokens = whole();
                case 10 -> cacheCreation = whole();
                case 11 -> cacheRead = whole();
                case 12 -> stopReason = text(true);
                case 13 -> http = text(true);
                case 14 -> outcome = text(true);
                case 15 -> bytesRelayed = whole();
                case 16 -> errorType = text(true);
                default -> cacheCreation1h = wholeOrNull();
            }
        }
        return new Event.ResponseCompleted(id, reqId, tsUs, instance, status, op, latencyUs, ttfbUs, inputTokens,
                outputTokens, cacheCreation, cacheRead, stopReason, http, outcome, bytesRelayed, errorType, cacheCreation1h);
    }

    private Event streamPartial() throws NotBound {
        String id = null, reqId = null, instance = null, data = null;
        long tsUs = 0, bytesRelayed = 0;
        boolean truncated = false;
        for (int f = field(STREAM_PARTIAL); f >= 0; f = field(STREAM_PARTIAL)) {
            switch (f) {
                case 0 -> id = text(false);
                case 1 -> reqId = text(false);
                case 2 -> tsUs = whole();
                case 3 -> instance = text(true);
                case 4 -> bytesRelayed = whole();
                case 5 -> truncated = flag();
                default -> data = text(false);
            }
        }
        return new Event.StreamPartial(id, reqId, tsUs, instance, bytesRelayed, truncated, data);
    }

    private static boolean same(byte[] bytes, int from, int to, byte[] expected) {
        if (to - from != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (bytes[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = ascii(names[i]);
        }
        return out;
    }
}
