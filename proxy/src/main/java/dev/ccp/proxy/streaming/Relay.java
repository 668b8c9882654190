package dev.ccp.proxy.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Copies an upstream body to the client as it arrives, and holds back the end of the answer until
 * the caller has recorded it.
 *
 * <p>For SSE every read is fed to the usage parser (it skips content deltas without parsing them)
 * and written and flushed at once: an event is never held back waiting for the next one, except the
 * last: the {@code message_stop} event is held until {@code beforeEnd} has run (the caller appends
 * the request's completion to the log), then written at once, without waiting for the provider to
 * end its body. Other bodies are copied one read behind (the last read is held), and when the
 * upstream body ends {@code beforeEnd} runs before the held bytes are written and flushed. Either
 * way a client never sees the end of an answer the log does not hold. The first
 * bytes relayed are kept (capped) for a {@code StreamPartial} if the stream ends abruptly.
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
    private OutputStream os;
    private byte[] held = new byte[0];
    private int heldLength;
    /** SSE: the message_stop event has begun: held until the answer is recorded. */
    private boolean holding;
    /** {@code beforeEnd} has run: the answer is recorded, nothing more is held. */
    private boolean ended;
    private Runnable beforeEnd = () -> {
    };

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
     * @param out       opened on the first byte, so nothing reaches the client before there is something to send
     * @param beforeEnd runs once, when the answer is whole (an SSE stream's message_stop, else the end of
     *                  the upstream body), before the held end of the answer is written
     */
    public End run(byte[] prefix, InputStream in, Supplier<OutputStream> out, Runnable beforeEnd) {
        this.beforeEnd = beforeEnd;
        int max = sse ? 16 * 1024 : 64 * 1024;
        // Helidon's client entity stream allocates a fresh buffer of the requested length for every
        // read, and an SSE read returns one event of a few hundred bytes: asking for 16 KiB each time
        // made ~16 KiB of garbage per event. Ask for a few times what the last read returned instead
        // (it grows back at once for large bodies), and grow this buffer the same way: a 16 KiB buffer
        // per stream was most of what the proxy allocated in the bench (JFR allocation samples).
        int ask = MIN_READ;
        byte[] buf = new byte[ask];
        try {
            if (prefix.length > 0 && !accept(out, prefix, prefix.length)) {
                return End.CLIENT_GONE;
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
                    return End.UPSTREAM_FAILED;
                }
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                ask = nextAsk(n, max);
                if (!accept(out, buf, n)) {
                    return End.CLIENT_GONE;
                }
            }
            if (!ended) {
                ended = true;
                beforeEnd.run();
            }
            if (!writeHeld(out)) {
                return End.CLIENT_GONE;
            }
            if (os != null && !sse) {
                try {
                    os.flush();
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    return End.CLIENT_GONE;
                }
            }
            return End.COMPLETE;
        } catch (ClientGone e) {
            return End.CLIENT_GONE;
        }
    }

    /** Opening the client's stream failed: the client is gone. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(Throwable cause) {
            super(cause);
        }
    }

    /**
     * After a failure: writes what was held (it was taken for the client, and the partial the log
     * keeps includes it). Returns false when the client is gone too.
     */
    public boolean releaseHeld(Supplier<OutputStream> out) {
        if (heldLength == 0) {
            return true;
        }
        int n = heldLength;
        heldLength = 0;
        try {
            return write(out, held, n);
        } catch (ClientGone e) {
            return false;
        }
    }

    /** The client's stream, opened on first use. */
    public OutputStream output() {
        return os;
    }

    /** The smallest read asked of the upstream stream. */
    static final int MIN_READ = 2048;

    static int nextAsk(int lastRead, int max) {
        int want = Integer.highestOneBit(Math.max(lastRead, 1)) << 2;
        return Math.max(MIN_READ, Math.min(max, want));
    }

    /** Takes {@code n} bytes for the client: written now, or held while the end may be among them. */
    private boolean accept(Supplier<OutputStream> out, byte[] buf, int n) {
        if (firstByteNanos < 0) {
            firstByteNanos = System.nanoTime();
        }
        bytes += n;
        keep(buf, n);
        if (sse) {
            sseParser.feed(buf, 0, n);
            holding = holding || sseParser.stopAnnounced();
            if (!holding) {
                return write(out, buf, n);
            }
            hold(buf, n);
            if (!ended && sseParser.usage().messageStop()) {
                ended = true;
                beforeEnd.run();
            }
            return !ended || writeHeld(out);
        }
        // One read behind: the read before this one cannot be the last.
        if (heldLength > 0 && !write(out, held, heldLength)) {
            return false;
        }
        heldLength = 0;
        hold(buf, n);
        return true;
    }

    private boolean writeHeld(Supplier<OutputStream> out) {
        if (heldLength == 0) {
            return true;
        }
        int n = heldLength;
        heldLength = 0;
        return write(out, held, n);
    }

    /** Whether the answer was recorded as whole ({@code beforeEnd} ran). */
    public boolean ended() {
        return ended;
    }

    private void hold(byte[] buf, int n) {
        if (held.length < heldLength + n) {
            held = Arrays.copyOf(held, Math.max(heldLength + n, held.length * 2));
        }
        System.arraycopy(buf, 0, held, heldLength, n);
        heldLength += n;
    }

    private boolean write(Supplier<OutputStream> out, byte[] buf, int n) {
        try {
            if (os == null) {
                os = out.get();
            }
        } catch (RuntimeException e) {
            failure = e;
            throw new ClientGone(e);
        }
        try {
            os.write(buf, 0, n);
            if (sse) {
                os.flush();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            failure = e;
            return false;
        }
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

    /** Bytes taken for the client: written, or held to be written after {@code beforeEnd}. */
    public long bytes() {
        return bytes;
    }

    /** System.nanoTime() when the first byte was taken for the client, or -1. */
    public long firstByteNanos() {
        return firstByteNanos;
    }

    public Throwable failure() {
        return failure;
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
