package dev.ccp.events;

import java.util.Arrays;

/**
 * Writes the four events of every request ({@code RequestReceived}, {@code RouteDecided},
 * {@code UpstreamAttempt}, {@code ResponseCompleted}) without Jackson's databind: the same bytes
 * {@link EventCodec#encode} gets from Jackson (field order, snake_case names, nulls left out), at a
 * fraction of the cost on the proxy's event writer thread.
 *
 * <p>Only text that needs no escaping is written here (printable ASCII without {@code "} or
 * {@code \}); for anything else, and for non-finite numbers, {@link #encode} returns null and the
 * event goes through Jackson as before, so its escaping rules never need copying.
 * {@code RequestEventEncoderTest} checks the output against Jackson's on many random events.
 */
final class RequestEventEncoder {
    private byte[] buf = new byte[512];
    private int len;
    private boolean first;

    private RequestEventEncoder() {
    }

    private static final ThreadLocal<RequestEventEncoder> ENCODERS = ThreadLocal.withInitial(RequestEventEncoder::new);

    /** The event's document, or null when it is not one of the four or holds text to escape. */
    static byte[] encode(Event event) {
        RequestEventEncoder e = ENCODERS.get();
        e.len = 0;
        boolean done = switch (event) {
            case Event.RequestReceived r -> e.requestReceived(r);
            case Event.RouteDecided r -> e.routeDecided(r);
            case Event.UpstreamAttempt r -> e.upstreamAttempt(r);
            case Event.ResponseCompleted r -> e.responseCompleted(r);
            default -> false;
        };
        byte[] out = done ? Arrays.copyOf(e.buf, e.len) : null;
        if (e.buf.length > 64 * 1024) {
            // One long text grew it: not kept for the thread's life.
            e.buf = new byte[512];
        }
        return out;
    }

    private boolean envelope(String type, Event event) {
        raw("{\"type\":\"");
        raw(type);
        raw("\",\"v\":");
        number(EventCodec.CURRENT_VERSION);
        first = false;
        return text("id", event.id()) && text("req_id", event.reqId()) && number("ts_us", event.tsUs())
                && text("instance", event.instance());
    }

    private boolean requestReceived(Event.RequestReceived r) {
        boolean ok = envelope("RequestReceived", r) && text("method", r.method()) && text("path", r.path())
                && text("query", r.query()) && text("model", r.model());
        if (!ok) {
            return false;
        }
        if (r.stream() != null) {
            name("stream");
            raw(r.stream() ? "true" : "false");
        }
        ok = number("body_bytes", r.bodyBytes()) && text("client_auth", r.clientAuth()) && text("user_agent", r.userAgent())
                && text("session_id", r.sessionId()) && text("mode", r.mode()) && text("project", r.project());
        return ok && end();
    }

    private boolean routeDecided(Event.RouteDecided r) {
        return envelope("RouteDecided", r) && text("decision", r.decision()) && text("lane", r.lane())
                && text("provider", r.provider()) && text("model", r.model()) && text("upstream_model", r.upstreamModel())
                && text("header_mode", r.headerMode()) && text("reason", r.reason()) && end();
    }

    private boolean upstreamAttempt(Event.UpstreamAttempt r) {
        boolean ok = envelope("UpstreamAttempt", r) && number("attempt", r.attempt()) && text("provider", r.provider())
                && text("url", r.url()) && text("http", r.http()) && number("status", r.status())
                && number("duration_us", r.durationUs()) && text("outcome", r.outcome()) && text("error_type", r.errorType())
                && text("credential", r.credential());
        if (!ok) {
            return false;
        }
        RateLimits l = r.rateLimit();
        if (l != null) {
            name("rate_limit");
            first = true;
            raw("{");
            ok = text("status", l.status()) && number("reset_s", l.resetS()) && text("representative_claim", l.representativeClaim())
                    && window("five_hour", l.fiveHour()) && window("seven_day", l.sevenDay())
                    && limit("requests", l.requests()) && limit("tokens", l.tokens())
                    && limit("input_tokens", l.inputTokens()) && limit("output_tokens", l.outputTokens())
                    && number("malformed", l.malformed()) && end();
            if (!ok) {
                return false;
            }
        }
        return end();
    }

    private boolean window(String name, RateLimits.Window w) {
        if (w == null) {
            return true;
        }
        name(name);
        first = true;
        raw("{");
        return text("status", w.status()) && decimal("utilization", w.utilization()) && number("reset_s", w.resetS()) && end();
    }

    private boolean limit(String name, RateLimits.Limit l) {
        if (l == null) {
            return true;
        }
        name(name);
        first = true;
        raw("{");
        return number("limit", l.limit()) && number("remaining", l.remaining()) && number("reset_s", l.resetS()) && end();
    }

    private boolean responseCompleted(Event.ResponseCompleted r) {
        return envelope("ResponseCompleted", r) && number("status", r.status()) && text("op", r.op())
                && number("latency_us", r.latencyUs()) && number("ttfb_us", r.ttfbUs())
                && number("input_tokens", r.inputTokens()) && number("output_tokens", r.outputTokens())
                && number("cache_creation_input_tokens", r.cacheCreationInputTokens())
                && number("cache_read_input_tokens", r.cacheReadInputTokens())
                && text("stop_reason", r.stopReason()) && text("http", r.http()) && text("outcome", r.outcome())
                && number("bytes_relayed", r.bytesRelayed()) && text("error_type", r.errorType())
                && number("cache_creation_1h_input_tokens", r.cacheCreation1hInputTokens()) && end();
    }

    // ---- writing ----------------------------------------------------------------------------------

    private boolean end() {
        raw("}");
        first = false;
        return true;
    }

    private void name(String name) {
        room(name.length() + 4);
        if (!first) {
            buf[len++] = ',';
        }
        first = false;
        buf[len++] = '"';
        ascii(name);
        buf[len++] = '"';
        buf[len++] = ':';
    }

    /** A text field (left out when null); false when the text needs escaping (the document is then dropped). */
    private boolean text(String name, String value) {
        if (value == null) {
            return true;
        }
        int n = value.length();
        name(name);
        room(n + 2);
        byte[] b = buf;
        int at = len;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
            b[at++] = (byte) c;
        }
        b[at++] = '"';
        len = at;
        return true;
    }

    private boolean number(String name, long value) {
        name(name);
        number(value);
        return true;
    }

    private boolean number(String name, Long value) {
        return value == null || number(name, value.longValue());
    }

    private boolean decimal(String name, Double value) {
        if (value == null) {
            return true;
        }
        if (!Double.isFinite(value)) {
            return false;
        }
        name(name);
        raw(Double.toString(value));
        return true;
    }

    /** Digits straight into the buffer (as Long.toString writes them), no String on the way. */
    private void number(long value) {
        if (value == Long.MIN_VALUE) {
            raw(Long.toString(value));
            return;
        }
        room(20);
        if (value < 0) {
            buf[len++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int at = len + digits;
        len = at;
        do {
            buf[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
    }

    private void raw(String s) {
        room(s.length());
        ascii(s);
    }

    /** Copies ASCII text; the room is made by the caller. */
    private void ascii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
