package dev.ccp.proxy.sampling;

import dev.ccp.events.Clocks;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.Ids;
import dev.ccp.proxy.events.EventSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Body sampling ({@code make tee-on} / {@code make tee-off}): while the flag file exists, each request's
 * body and the start of its answer go into the log as {@code BodySampled} events, capped and with
 * credentials removed. Off by default. The flag file lives outside the process ({@code ~/.config/ccp/tee},
 * {@code CCP_TEE_FILE}), so the setting survives restarts and a running proxy notices a flip within
 * {@link #RECHECK}; it holds an optional cap in bytes (default {@link #DEFAULT_CAP}).
 *
 * <p>Only bodies are sampled, never headers, so {@code x-api-key} and {@code Authorization} values are never
 * read here; a body that carries a key anyway (a pasted key, a configured key value) has it replaced by
 * {@code [redacted]}.
 */
public final class BodySampling {
    public static final int DEFAULT_CAP = 16 * 1024;
    public static final int MAX_CAP = 1024 * 1024;
    /**
     * Room a sample's text may take in its event once JSON-escaped: what one event of the log may
     * weigh ({@link EventLog#MAX_DOCUMENT_BYTES}) less room for the other fields. A text body of
     * {@link #MAX_CAP} bytes stays well inside it; a body of control bytes (six bytes each escaped)
     * is cut to fit and marked truncated, rather than refused by the log.
     */
    static final int MAX_ENCODED_TEXT = EventLog.MAX_DOCUMENT_BYTES - 64 * 1024;
    /** How often the flag file is looked at: at most one stat a second, on the request path. */
    public static final Duration RECHECK = Duration.ofSeconds(1);
    /** Never on: what a context without sampling uses. */
    public static final BodySampling OFF = new BodySampling(null, List.of(), k -> null, null, InstantSource.system(), RECHECK);

    private static final Pattern KEY_SHAPED = Pattern.compile(
            "sk-ant-[A-Za-z0-9_\\-]{8,}|(?i:bearer)\\s+[A-Za-z0-9._~+/\\-]{8,}=*|sk-[A-Za-z0-9_\\-]{20,}");
    private static final String REDACTED = "[redacted]";

    private final Path flag;
    private final List<String> keyVariables;
    private final Function<String, String> credentials;
    private final EventSink events;
    private final InstantSource clock;
    private final long recheckNanos;
    private final String instance;
    private volatile long nextCheck = Long.MIN_VALUE;
    private volatile int cap;

    private BodySampling(Path flag, Collection<String> keyVariables, Function<String, String> credentials,
                         EventSink events, InstantSource clock, Duration recheck) {
        this(flag, keyVariables, credentials, events, clock, recheck, null);
    }

    private BodySampling(Path flag, Collection<String> keyVariables, Function<String, String> credentials,
                         EventSink events, InstantSource clock, Duration recheck, String instance) {
        this.flag = flag;
        this.keyVariables = List.copyOf(keyVariables);
        this.credentials = credentials;
        this.events = events;
        this.clock = clock;
        this.recheckNanos = recheck.toNanos();
        this.instance = instance;
    }

    /**
     * @param flag         the flag file
     * @param keyVariables the variables holding provider keys (their values are removed from samples)
     * @param credentials  variable name → value
     * @param events       where a flip is recorded as {@code ConfigChanged(kind=tee)}
     */
    public static BodySampling watching(Path flag, Collection<String> keyVariables, Function<String, String> credentials,
                                        EventSink events, InstantSource clock, String instance, Duration recheck) {
        return new BodySampling(flag, keyVariables, credentials, events, clock, recheck, instance);
    }

    public Path flag() {
        return flag;
    }

    /** The cap in bytes while sampling is on, 0 while off. */
    public int cap() {
        if (flag == null) {
            return 0;
        }
        long now = System.nanoTime();
        if (now - nextCheck >= 0 || nextCheck == Long.MIN_VALUE) {
            nextCheck = now + recheckNanos;
            int c = readFlag();
            if (c != cap) {
                cap = c;
                long ts = Clocks.micros(clock);
                events.offer(new Event.ConfigChanged(Ids.eventId(ts), null, ts, instance, "tee", flag.toString(), true,
                        "{\"enabled\":" + (c > 0) + ",\"max_bytes\":" + c + "}", null));
            }
        }
        return cap;
    }

    private int readFlag() {
        if (!Files.isRegularFile(flag)) {
            return 0;
        }
        try {
            String text = Files.readString(flag, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                return DEFAULT_CAP;
            }
            long n = Long.parseLong(text);
            return (int) Math.max(1, Math.min(MAX_CAP, n));
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_CAP;
        }
    }

    /** A sample event of {@code data[0..length)}, capped at {@code cap} bytes, with credentials removed. */
    public Event.BodySampled sample(String reqId, String direction, String contentType, byte[] data, int length, long bytes,
                                    int cap) {
        int n = Math.min(length, cap);
        String scrubbed = scrub(new String(data, 0, n, StandardCharsets.UTF_8));
        String text = fitEncoded(scrubbed, MAX_ENCODED_TEXT);
        long ts = Clocks.micros(clock);
        return new Event.BodySampled(Ids.eventId(ts), reqId, ts, instance, direction, contentType, bytes,
                bytes > n || text.length() < scrubbed.length(), text);
    }

    /** The longest start of {@code text} whose JSON string encoding (UTF-8) takes at most {@code room} bytes. */
    static String fitEncoded(String text, int room) {
        if ((long) text.length() * 6 <= room) {
            return text;
        }
        long used = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int w;
            if (c < 0x20) {
                w = c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                w = 2;
            } else if (c < 0x80) {
                w = 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                w = 2;
            } else {
                w = 3;
            }
            used += w;
            if (used > room) {
                int end = i > 0 && Character.isHighSurrogate(text.charAt(i - 1)) ? i - 1 : i;
                return text.substring(0, end);
            }
        }
        return text;
    }

    /** The text with every configured key value and every key-shaped string replaced by {@code [redacted]}. */
    public String scrub(String text) {
        String out = text;
        for (String name : keyVariables) {
            String v = credentials.apply(name);
            if (v != null && v.strip().length() >= 4) {
                out = out.replace(v.strip(), REDACTED);
            }
        }
        return KEY_SHAPED.matcher(out).replaceAll(REDACTED);
    }
}
