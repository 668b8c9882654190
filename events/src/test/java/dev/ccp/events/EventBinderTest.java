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

/** The hand-written binder reads exactly what databind reads, and leaves every other shape to it. */
class EventBinderTest {
    private static final ObjectReader DATABIND = EventCodec.mapper().readerFor(Event.class);
    private static final EventBinder BINDER = new EventBinder(EventCodec.mapper().getFactory(),
            EventCodec.mapper().readerFor(RateLimits.class));

    @Test
    void everyRequestEventReadsAsDatabindReadsItWithNullsEscapesAndRateLimits() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        List<Event> events = new ArrayList<>(SampleEvents.oneOfEach(1_700_000_000_000_000L));
        for (int i = 0; i < 2_000; i++) {
            events.add(switch (i % 6) {
                case 0 -> new Event.RequestReceived(s(r), s(r), r.nextLong(), s(r), s(r), s(r), s(r), s(r),
                        r.nextInt(3) == 0 ? null : r.nextBoolean(), r.nextLong(1 << 20), s(r), s(r), s(r), s(r), s(r));
                case 1 -> new Event.RouteDecided(s(r), s(r), r.nextLong(), s(r), s(r), s(r), s(r), s(r), s(r), s(r), s(r));
                case 2 -> new Event.UpstreamAttempt(s(r), s(r), r.nextLong(), s(r), r.nextInt(4), s(r), s(r), s(r),
                        r.nextInt(600), r.nextLong(), s(r), s(r), s(r), r.nextBoolean() ? null
                        : new RateLimits(s(r), r.nextBoolean() ? null : r.nextLong(), s(r),
                        new RateLimits.Window(s(r), r.nextDouble(), 5L), null, new RateLimits.Limit(50L, null, 7L), null,
                        null, null, r.nextInt(3)));
                case 3 -> new Event.ResponseCompleted(s(r), s(r), r.nextLong(), s(r), r.nextInt(600), s(r), r.nextLong(),
                        r.nextLong(-1, 1 << 20), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), s(r), s(r), s(r),
                        r.nextLong(), s(r), r.nextBoolean() ? null : r.nextLong());
                case 4 -> new Event.StreamPartial(s(r), s(r), r.nextLong(), s(r), r.nextLong(), r.nextBoolean(), s(r));
                default -> new Event.ImportedSample(s(r), s(r), r.nextLong(), s(r), s(r), r.nextLong(), s(r), s(r), s(r),
                        s(r), s(r), r.nextInt(600), s(r), s(r), r.nextDouble() * 1e4, r.nextInt(3) == 0 ? 12 : -1.5,
                        r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), s(r), s(r), r.nextInt(5));
            });
        }
        for (Event e : events) {
            byte[] json = EventCodec.encode(e);
            Event expected = DATABIND.readValue(json);
            Event bound = BINDER.bind(json, 0, json.length);
            String doc = new String(json, StandardCharsets.UTF_8);
            if (e instanceof Event.ConfigChanged || e instanceof Event.ProxyStarted || e instanceof Event.ProxyStopped
                    || e instanceof Event.BodySampled) {
                assertNull(bound, doc);
            } else {
                assertEquals(expected, bound, doc);
            }
            assertEquals(expected, EventCodec.decode(json), doc);
        }
    }

    @Test
    void aShapeThisBuildDoesNotWriteIsLeftToDatabindAndReadsAsBefore() throws Exception {
        String[] docs = {
            // A number as text, text as a number, a null for a number, a float for a whole number, an unknown nested field.
            "{\"type\":\"ResponseCompleted\",\"v\":1,\"id\":\"e\",\"status\":\"200\",\"latency_us\":5}",
            "{\"type\":\"RouteDecided\",\"v\":1,\"id\":7,\"lane\":true}",
            "{\"type\":\"UpstreamAttempt\",\"v\":1,\"id\":\"e\",\"status\":null}",
            "{\"type\":\"StreamPartial\",\"v\":1,\"id\":\"e\",\"bytes_relayed\":1.0,\"truncated\":\"true\"}",
            "{\"type\":\"RequestReceived\",\"v\":1,\"id\":\"e\",\"later\":{\"a\":[1,{\"b\":2}]},\"stream\":\"true\"}",
            "{\"type\":\"RequestReceived\",\"v\":1,\"id\":\"e\",\"later\":{\"a\":[1,{\"b\":2}]},\"model\":\"m\"}",
        };
        for (String doc : docs) {
            byte[] json = doc.getBytes(StandardCharsets.UTF_8);
            Event expected = DATABIND.readValue(json);
            assertNotNull(expected, doc);
            assertEquals(expected, EventCodec.decode(json), doc);
        }
        assertNull(BINDER.bind(docs[0].getBytes(StandardCharsets.UTF_8), 0, docs[0].length()));
        assertEquals(DATABIND.readValue(docs[5]), BINDER.bind(docs[5].getBytes(StandardCharsets.UTF_8), 0, docs[5].length()));
    }

    @Test
    void everyComponentOfEveryBoundRecordIsBoundSoAFieldAddedLaterIsNotDropped() throws Exception {
        RateLimits limits = new RateLimits("allowed", 1L, "five_hour", new RateLimits.Window("allowed", 0.5, 2L), null,
                new RateLimits.Limit(3L, 4L, 5L), null, null, null, 1);
        for (Class<?> type : List.of(Event.RequestReceived.class, Event.RouteDecided.class, Event.UpstreamAttempt.class,
                Event.ResponseCompleted.class, Event.StreamPartial.class, Event.ImportedSample.class)) {
            var components = type.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                Class<?> t = components[i].getType();
                types[i] = t;
                // No default value anywhere: a component the binder passes over reads back as null, 0 or false.
                args[i] = t == String.class ? "v" + i : t == long.class ? 1_000L + i : t == Long.class ? (Long) (2_000L + i)
                        : t == int.class ? 3_000 + i : t == boolean.class || t == Boolean.class ? Boolean.TRUE
                        : t == double.class ? 4.5 + i : t == RateLimits.class ? limits : null;
                assertNotNull(args[i], type.getSimpleName() + "." + components[i].getName() + ": a type this test does not fill");
            }
            Event e = (Event) type.getDeclaredConstructor(types).newInstance(args);
            byte[] json = EventCodec.encode(e);
            assertEquals(e, BINDER.bind(json, 0, json.length), new String(json, StandardCharsets.UTF_8));
        }
    }

    /** Text of every kind a log may hold, or null. */
    private static String s(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "quote \" backslash \\ newline \n tab \t";
            case 3 -> "ünïcödé ✓ 𝄞";
            case 4 -> "control \u0001";
            default -> "req_" + r.nextLong(1L << 40);
        };
    }
}
