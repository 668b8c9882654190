package dev.ccp.events;

import com.fasterxml.jackson.databind.ObjectWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request events written without databind are byte for byte what Jackson writes: the projector's
 * fast decoder and the golden replay files depend on the exact bytes of the log.
 */
class RequestEventEncoderTest {
    private static final ObjectWriter JACKSON = EventCodec.mapper().writerFor(Event.class);
    private static final String PLAIN = "abcXYZ019 -_./:;=?&%+~!#$'()*,<>@[]^`{|}";
    private static final String AWKWARD = "\"\\\n\t\r\u0001\u001f\u007f\u00e9\u2028\ud83d\ude00";

    /** What encode() wrote before the fast path: Jackson's document with the version spliced in after the type. */
    private static String jackson(Event e) throws Exception {
        // As bytes, as encode() did: Jackson's byte writer escapes surrogate pairs, its String writer does not.
        String body = new String(JACKSON.writeValueAsBytes(e), StandardCharsets.UTF_8);
        int comma = body.indexOf(',');
        int end = comma < 0 ? body.length() - 1 : comma;
        return body.substring(0, end) + ",\"v\":" + EventCodec.CURRENT_VERSION + body.substring(end);
    }

    private static String text(Random r, boolean awkward) {
        if (r.nextInt(5) == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(r.nextInt(10) == 0 ? 300 : 20);
        for (int i = 0; i < n; i++) {
            b.append(awkward && r.nextInt(8) == 0 ? AWKWARD.charAt(r.nextInt(AWKWARD.length()))
                    : PLAIN.charAt(r.nextInt(PLAIN.length())));
        }
        return b.toString();
    }

    private static long number(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> r.nextInt(10);
            case 5 -> r.nextInt(200) - 50;
            case 2 -> -1 - r.nextInt(1000);
            case 3 -> r.nextBoolean() ? r.nextLong() : new long[]{Long.MIN_VALUE, Long.MAX_VALUE}[r.nextInt(2)];
            default -> r.nextInt(Integer.MAX_VALUE);
        };
    }

    private static Long boxed(Random r) {
        return r.nextInt(4) == 0 ? null : number(r);
    }

    private static Double decimal(Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> null;
            case 1 -> r.nextDouble();
            case 2 -> (double) r.nextInt(100);
            case 3 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
            case 4 -> -r.nextDouble();
            case 5 -> new double[]{0.0, -0.0, 1e-7, 1e7, 1e21, Double.MIN_VALUE, Double.MAX_VALUE}[r.nextInt(7)];
            default -> new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[r.nextInt(3)];
        };
    }

    private static RateLimits rateLimits(Random r, boolean awkward) {
        if (r.nextInt(3) == 0) {
            return null;
        }
        return new RateLimits(text(r, awkward), boxed(r), text(r, awkward),
                r.nextBoolean() ? null : new RateLimits.Window(text(r, awkward), decimal(r), boxed(r)),
                r.nextBoolean() ? null : new RateLimits.Window(text(r, awkward), decimal(r), boxed(r)),
                r.nextBoolean() ? null : new RateLimits.Limit(boxed(r), boxed(r), boxed(r)),
                r.nextBoolean() ? null : new RateLimits.Limit(boxed(r), boxed(r), boxed(r)),
                r.nextBoolean() ? null : new RateLimits.Limit(boxed(r), boxed(r), boxed(r)),
                r.nextBoolean() ? null : new RateLimits.Limit(boxed(r), boxed(r), boxed(r)),
                (int) number(r));
    }

    private static Event event(Random r, boolean awkward) {
        return switch (r.nextInt(4)) {
            case 0 -> new Event.RequestReceived(text(r, awkward), text(r, awkward), number(r), text(r, awkward),
                    text(r, awkward), text(r, awkward), text(r, awkward), text(r, awkward),
                    r.nextInt(3) == 0 ? null : r.nextBoolean(), number(r), text(r, awkward), text(r, awkward),
                    text(r, awkward), text(r, awkward), text(r, awkward));
            case 1 -> new Event.RouteDecided(text(r, awkward), text(r, awkward), number(r), text(r, awkward),
                    text(r, awkward), text(r, awkward), text(r, awkward), text(r, awkward), text(r, awkward),
                    text(r, awkward), text(r, awkward));
            case 2 -> new Event.UpstreamAttempt(text(r, awkward), text(r, awkward), number(r), text(r, awkward),
                    (int) number(r), text(r, awkward), text(r, awkward), text(r, awkward), (int) number(r), number(r),
                    text(r, awkward), text(r, awkward), text(r, awkward), rateLimits(r, awkward));
            default -> new Event.ResponseCompleted(text(r, awkward), text(r, awkward), number(r), text(r, awkward),
                    (int) number(r), text(r, awkward), number(r), number(r), number(r), number(r), number(r), number(r),
                    text(r, awkward), text(r, awkward), text(r, awkward), number(r), text(r, awkward), boxed(r));
        };
    }

    @Test
    void randomRequestEventsAreWrittenExactlyAsJacksonWritesThem() throws Exception {
        Random r = new Random(20261203);
        int fast = 0;
        for (int i = 0; i < 60_000; i++) {
            Event e = event(r, i % 4 == 0);
            String expected = jackson(e);
            String got = new String(EventCodec.encode(e), StandardCharsets.UTF_8);
            assertEquals(expected, got, "event " + i + ": " + e);
            if (RequestEventEncoder.encode(e) != null) {
                fast++;
            }
        }
        assertTrue(fast > 30_000, "most random events took the fast path: " + fast);
    }

    @Test
    void textThatNeedsEscapingAndOtherEventsGoThroughJackson() throws Exception {
        Event awkward = new Event.RouteDecided("e", "r", 1, "i", "d", "lane", "p", "model\"x\"", null, null, null);
        assertNull(RequestEventEncoder.encode(awkward));
        assertEquals(jackson(awkward), EventCodec.encodeToString(awkward));
        Event other = new Event.ProxyStopped("e", null, 1, "i", "bye");
        assertNull(RequestEventEncoder.encode(other));
        assertEquals(jackson(other), EventCodec.encodeToString(other));
        assertNotNull(RequestEventEncoder.encode(new Event.RouteDecided("e", "r", 1, "i", "d", "l", "p", "m", "m", "x", null)));
    }
}
