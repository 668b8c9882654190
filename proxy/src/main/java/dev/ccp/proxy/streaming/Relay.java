package dev.ccp.proxy.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Copies an upstream body to the client as it arrives.
 *
 * <p>For SSE every read is written and flushed at once (a read returns what the provider sent, so an
 * event is never held back waiting for the next one), then fed to the usage parser: the bytes are
 * never delayed by the parsing. Other bodies are copied through a buffer and flushed at the end. The
 * first bytes relayed are kept (capped) for a {@code StreamPartial} if the stream ends abruptly.
 *
 * <p>The two failure sides are told apart: the client going away ({@link End#CLIENT_GONE}) and the
 * upstream failing or going silent ({@link End#UPSTREAM_FAILED}).
 */
public final class Relay {
    /** How the relay ended. */
    public enum End { COMPLETE, CLIENT_GONE, UPSTREAM_FAILED }

    /** Max bytes kept for a StreamPartial. */
    public static final int PARTIAL_CAP = 64 * 1024;
    /** Max bytes of a non-streaming body kept to read its usage. */
    static final int JSON_CAPTURE_CAP = 2 * 1024 * 1024;

    private final boolean sse;
    private final long deadlineNanos;
    private final SseUsageParser sseParser;
    private byte[] capture = new byte[0];
    private int captured;
    private final int captureCap;
    private long bytes;
    private long firstByteNanos = -1;
    private Throwable failure;
    private End end;

    /**
     * @param sse           relay as a stream of events (flush per read, parse usage on the side)
     * @param readUsage     keep the first bytes of a non-streaming body (up to 2 MiB) to read its usage
     * @param deadlineNanos System.nanoTime() by which a non-streaming body must be complete, or Long.MAX_VALUE
     */
    public Relay(boolean sse, boolean readUsage, long deadlineNanos) {
        this.sse = sse;
        this.deadlineNanos = deadlineNanos;
        this.sseParser = sse ? new SseUsageParser() : null;
        this.captureCap = sse ? PARTIAL_CAP : readUsage ? JSON_CAPTURE_CAP : 0;
    }

    /**
     * Relays {@code prefix} (bytes already read from upstream, may be empty) then the rest of {@code in}.
     *
     * @param out opened on the first byte, so nothing reaches the client before there is something to send
     */
    public End run(byte[] prefix, InputStream in, Supplier<OutputStream> out) {
        OutputStream os = null;
        int max = sse ? 16 * 1024 : 64 * 1024;
        // Helidon's client entity stream allocates a fresh buffer of the requested length for every
        // read, and an SSE read returns one event of a few hundred bytes: asking for 16 KiB each time
        // made ~16 KiB of garbage per event. Ask for a few times what the last read returned instead
        // (it grows back at once for large bodies), and grow this buffer the same way: a 16 KiB buffer
        // per stream was most of what the proxy allocated in the bench (JFR allocation samples).
        int ask = MIN_READ;
        byte[] buf = new byte[ask];
        try {
            if (prefix.length > 0) {
                os = out.get();
                if (!write(os, prefix, prefix.length)) {
                    return end;
                }
            }
            while (true) {
                int n;
                try {
                    if (System.nanoTime() > deadlineNanos) {
                        throw new java.net.SocketTimeoutException("the whole exchange took longer than the JSON timeout");
                    }
                    if (ask > buf.length) {
                        buf = new byte[ask];
                    }
                    n = in.read(buf, 0, ask);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    return end = End.UPSTREAM_FAILED;
                }
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                ask = nextAsk(n, max);
                if (os == null) {
                    os = out.get();
                }
                if (!write(os, buf, n)) {
                    return end;
                }
            }
            if (os != null && !sse) {
                try {
                    os.flush();
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    return end = End.CLIENT_GONE;
                }
            }
            return end = End.COMPLETE;
        } catch (RuntimeException e) {
            // Opening the client stream failed: the client is gone.
            failure = e;
            return end = End.CLIENT_GONE;
        }
    }

    /** The smallest read asked of the upstream stream. */
    static final int MIN_READ = 2048;

    static int nextAsk(int lastRead, int max) {
        int want = Integer.highestOneBit(Math.max(lastRead, 1)) << 2;
        return Math.max(MIN_READ, Math.min(max, want));
    }

    private boolean write(OutputStream os, byte[] buf, int n) {
        try {
            os.write(buf, 0, n);
            if (sse) {
                os.flush();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            end = End.CLIENT_GONE;
            return false;
        }
        if (firstByteNanos < 0) {
            firstByteNanos = System.nanoTime();
        }
        bytes += n;
        keep(buf, n);
        if (sse) {
            sseParser.feed(buf, 0, n);
        }
        return true;
    }

    private void keep(byte[] buf, int n) {
        int room = captureCap - captured;
        if (room <= 0) {
            return;
        }
        int take = Math.min(room, n);
        if (capture.length < captured + take) {
            capture = Arrays.copyOf(capture, Math.min(captureCap, Math.max(captured + take, capture.length * 2)));
        }
        System.arraycopy(buf, 0, capture, captured, take);
        captured += take;
    }

    public long bytes() {
        return bytes;
    }

    /** System.nanoTime() when the first byte was written to the client, or -1. */
    public long firstByteNanos() {
        return firstByteNanos;
    }

    public Throwable failure() {
        return failure;
    }

    public End end() {
        return end;
    }

    /** Usage seen: parsed on the side for SSE, parsed from the captured body otherwise. */
    public Usage usage() {
        return sse ? sseParser.usage() : JsonUsageParser.parse(capture, captured);
    }

    /** The first bytes relayed (capped at {@link #PARTIAL_CAP}), and whether the cap cut them. */
    public String partial() {
        return new String(capture, 0, Math.min(captured, PARTIAL_CAP), java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean partialTruncated() {
        return bytes > PARTIAL_CAP;
    }
}
