package dev.ccp.events;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.ccp.events.testing.SampleEvents;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte binder reads exactly what databind reads, and leaves every other document to the parser. */
class EventByteBinderTest {
    private static final ObjectReader DATABIND = EventCodec.mapper().readerFor(Event.class);

    private static List<Event> requestEvents(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Event> events = new ArrayList<>(SampleEvents.oneOfEach(1_700_000_000_000_000L));
        for (int i = 0; i < n; i++) {
            events.add(switch (i % 5) {
                case 0 -> new Event.RequestReceived(s(r), s(r), r.nextLong(), s(r), s(r), s(r), s(r), s(r),
                        r.nextInt(3) == 0 ? null : r.nextBoolean(), r.nextLong(1 << 20), s(r), s(r), s(r), s(r), s(r));
                case 1 -> new Event.RouteDecided(s(r), s(r), r.nextLong(), s(r), s(r), s(r), s(r), s(r), s(r), s(r), s(r));
                case 2 -> new Event.UpstreamAttempt(s(r), s(r), r.nextLong(), s(r), r.nextInt(4), s(r), s(r), s(r),
                        r.nextInt(600), r.nextLong(), s(r), s(r), s(r), r.nextInt(4) > 0 ? null
                        : new RateLimits(s(r), 3L, s(r), null, null, null, null, null, null, 0));
                case 3 -> new Event.ResponseCompleted(s(r), s(r), r.nextLong(), s(r), r.nextInt(600), s(r), r.nextLong(),
                        r.nextLong(-1, 1 << 20), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), s(r), s(r), s(r),
                        r.nextLong(), s(r), r.nextBoolean() ? null : r.nextLong());
                default -> new Event.StreamPartial(s(r), s(r), r.nextLong(), s(r), r.nextLong(), r.nextBoolean(), s(r));
            });
        }
        return events;
    }

    @Test
    void whatItBindsIsWhatDatabindReadsAndMostRequestEventsAreBoundByIt() throws Exception {
        int bound = 0;
        int requestEvents = 0;
        for (Event e : requestEvents(5, 5_000)) {
            byte[] json = EventCodec.encode(e);
            String doc = new String(json, StandardCharsets.UTF_8);
            Event expected = DATABIND.readValue(json);
            Event b = EventByteBinder.bind(json, 0, json.length);
            if (b != null) {
                assertEquals(expected, b, doc);
                bound++;
            }
            if (!(e instanceof Event.ImportedSample || e instanceof Event.ConfigChanged || e instanceof Event.ProxyStarted
                    || e instanceof Event.ProxyStopped || e instanceof Event.BodySampled)) {
                requestEvents++;
            } else {
                assertNull(b, doc);
            }
            assertEquals(expected, EventCodec.decode(json), doc);
        }
        // Text other than ASCII and rate limits are left to the parser; the rest is bound here.
        assertTrue(bound > requestEvents / 4, bound + " of " + requestEvents);
    }

    @Test
    void aDocumentCutShortOrBrokenAnywhereIsNeverBoundToSomethingDatabindWouldNotRead() throws Exception {
        for (Event e : requestEvents(9, 300)) {
            byte[] json = EventCodec.encode(e);
            for (int len = 20; len <= json.length; len++) {
                check(json, len);
            }
            for (int at = 20; at < json.length; at += 3) {
                for (byte junk : new byte[]{'x', '"', '\\', '}', ',', ':', ' ', '9', '.', '-', 'e', (byte) 0xC3}) {
                    byte[] broken = json.clone();
                    broken[at] = junk;
                    check(broken, broken.length);
                }
            }
        }
    }

    private static void check(byte[] json, int len) {
        String doc = new String(json, 0, len, StandardCharsets.UTF_8);
        if (!EventCodec.writtenByThisVersion(json, 0, len)) {
            return;
        }
        Event b = EventByteBinder.bind(json, 0, len);
        if (b == null) {
            return;
        }
        Event expected;
        try {
            expected = DATABIND.readValue(json, 0, len);
        } catch (Exception e) {
            throw new AssertionError("bound a document databind refuses (" + e.getMessage() + "): " + doc);
        }
        assertEquals(expected, b, doc);
    }

    @Test
    void everyComponentOfTheBoundRecordsIsBoundSoAFieldAddedLaterIsNotDropped() throws Exception {
        for (Class<?> type : List.of(Event.RequestReceived.class, Event.RouteDecided.class, Event.UpstreamAttempt.class,
                Event.ResponseCompleted.class, Event.StreamPartial.class)) {
            var components = type.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                Class<?> t = components[i].getType();
                types[i] = t;
                // No default value anywhere: a component the binder passes over reads back as null, 0 or false.
                // (A rate limit is an object: the parser's, tested apart.)
                args[i] = t == String.class ? "v" + i : t == long.class ? 1_000L + i : t == Long.class ? (Long) (2_000L + i)
                        : t == int.class ? 3_000 + i : t == boolean.class || t == Boolean.class ? Boolean.TRUE
                        : t == RateLimits.class ? null : null;
                if (t != RateLimits.class) {
                    assertNotNull(args[i], type.getSimpleName() + "." + components[i].getName() + ": a type this test does not fill");
                }
            }
            Event e = (Event) type.getDeclaredConstructor(types).newInstance(args);
            byte[] json = EventCodec.encode(e);
            assertEquals(e, EventByteBinder.bind(json, 0, json.length), new String(json, StandardCharsets.UTF_8));
        }
    }

    @Test
    void sharedTextIsTheSameTextWhateverElseSharesItsSlot() {
        for (int i = 0; i < 20_000; i++) {
            Event e = new Event.RouteDecided("e" + i, "r" + i, i, "inst-" + (i % 7), "route", "lane-" + (i % 13),
                    "p" + i, "model-" + i, null, "passthrough", null);
            byte[] json = EventCodec.encode(e);
            assertEquals(e, EventByteBinder.bind(json, 0, json.length));
        }
    }

    /** Text of every kind a log may hold, or null. */
    private static String s(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "quote \" backslash \\ slash / newline \n tab \t cr \r ff \f bs \b";
            case 3 -> "ünïcödé ✓ 𝄞";
            case 4 -> "control \u0001 \u001f";
            case 5 -> "claude-sonnet-4-5";
            default -> "req_" + r.nextLong(1L << 40);
        };
    }
}
