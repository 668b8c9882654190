package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import dev.ccp.policy.price.Money;
import dev.ccp.readmodel.Checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code logs/usage.jsonl}: one compact JSON object a line per finished request, in log order.
 * The file length is saved with the checkpoint; on open the file is cut back to it, so lines written
 * after the last checkpoint by a killed process are written again exactly once.
 */
public final class UsageJsonlProjection implements Projection {
    public static final String NAME = "usage-jsonl";
    private static final Logger LOG = Logger.getLogger(UsageJsonlProjection.class.getName());

    /**
     * Lines are written out once this many bytes wait, before the batch commits: bytes past the
     * checkpoint's length are cut off again by {@link #open} if the batch never commits, so a large
     * batch needs no buffer of its own size.
     */
    private static final int FLUSH_AT = 1 << 20;

    private final Path file;
    private final LineBuffer buffer = new LineBuffer(FLUSH_AT + 4096);
    private FileChannel channel;
    private long length;

    public UsageJsonlProjection(Path file) {
        this.file = file;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(Connection db, Checkpoint checkpoint) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (checkpoint.fileLength() == null && Files.exists(file) && Files.size(file) > 0) {
            // Not written by this projection (an older tool's log): keep it aside, never mix into it.
            Path aside = file.resolveSibling(file.getFileName() + ".before-projector-" + System.currentTimeMillis());
            Files.move(file, aside);
            LOG.warning("moved an existing " + file + " that no checkpoint describes to " + aside
                    + " (import it with: cc db import --jsonl " + aside + ")");
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long saved = checkpoint.fileLength() == null ? 0 : checkpoint.fileLength();
        long size = channel.size();
        if (size > saved) {
            channel.truncate(saved);
        } else if (size < saved) {
            LOG.warning(file + " is shorter (" + size + " bytes) than its checkpoint says (" + saved
                    + "); continuing after what is there. Run --rebuild to restore it.");
            saved = size;
        }
        length = saved;
    }

    @Override
    public void apply(long index, Event event, List<FinishedRequest> finished, String requestModel) {
        for (FinishedRequest r : finished) {
            buffer.line(r);
        }
        if (buffer.size() >= FLUSH_AT) {
            try {
                flushFiles();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The line's JSON (no newline); field order is part of the contract (docs/PROJECTIONS.md). The
     * projection writes the same text as bytes ({@link LineBuffer#line}); this is its reference form.
     */
    public static void format(StringBuilder sb, FinishedRequest r) {
        sb.append("{\"ts\":");
        Text.string(sb, Text.iso(r.tsUs()));
        sb.append(",\"req_id\":");
        Text.string(sb, r.reqId());
        sb.append(",\"model\":");
        Text.string(sb, r.model());
        sb.append(",\"lane\":");
        Text.string(sb, r.lane());
        sb.append(",\"provider\":");
        Text.string(sb, r.provider());
        sb.append(",\"decision\":");
        Text.string(sb, r.decision());
        sb.append(",\"op\":");
        Text.string(sb, r.op());
        sb.append(",\"status\":").append(r.status());
        sb.append(",\"header_mode\":");
        Text.string(sb, r.headerMode());
        sb.append(",\"http\":");
        Text.string(sb, r.http());
        sb.append(",\"latency_ms\":");
        Text.millis(sb, r.latencyUs());
        sb.append(",\"ttfb_ms\":");
        if (r.ttfbUs() < 0) {
            sb.append("null");
        } else {
            Text.millis(sb, r.ttfbUs());
        }
        sb.append(",\"input_tokens\":").append(r.inputTokens());
        sb.append(",\"output_tokens\":").append(r.outputTokens());
        sb.append(",\"cache_creation_input_tokens\":").append(r.cacheCreationInputTokens());
        sb.append(",\"cache_read_input_tokens\":").append(r.cacheReadInputTokens());
        sb.append(",\"stop_reason\":");
        Text.string(sb, r.stopReason());
        sb.append(",\"outcome\":");
        Text.string(sb, r.outcome());
        sb.append(",\"attempts\":").append(r.attempts());
        sb.append(",\"upstream_model\":");
        Text.string(sb, r.upstreamModel());
        sb.append(",\"cost_usd\":");
        usd(sb, r.cost());
        sb.append(",\"list_cost_usd\":");
        usd(sb, r.listCost());
        sb.append(",\"cache_creation_1h_input_tokens\":").append(r.cacheWrite1hTokens());
        if (r.member() != null) {
            // Only when the log names one, so a log older than members rebuilds to the same bytes.
            sb.append(",\"member\":");
            Text.string(sb, r.member());
        }
        sb.append('}');
    }

    /** An exact decimal number of dollars, or null when unpriced. */
    private static void usd(StringBuilder sb, Long picos) {
        sb.append(picos == null ? "null" : Money.text(picos));
    }

    @Override
    public void flushFiles() throws IOException {
        if (buffer.size() == 0) {
            return;
        }
        ByteBuffer bb = buffer.bytes();
        long pos = length;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        length = pos;
        buffer.reset();
    }

    @Override
    public Long fileLength() {
        return length;
    }

    @Override
    public void wipe(Connection db) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // Closing after a failure: nothing more to save.
        }
    }

    /**
     * The lines written since the last flush, as UTF-8. A line is written straight into the buffer as
     * bytes, with no String, StringBuilder or BigDecimal of its own: a replay writes a million of them.
     * The text is exactly {@link #format}'s (a test holds the two together).
     */
    static final class LineBuffer {
        private static final long PICOS_PER_USD = 1_000_000_000_000L;
        private byte[] bytes;
        private int size;
        private long cachedDay = Long.MIN_VALUE;
        private byte[] cachedDate = new byte[0];
        private final StringBuilder scratch = new StringBuilder(64);

        LineBuffer(int capacity) {
            bytes = new byte[capacity];
        }

        /** One usage line and its newline. */
        void line(FinishedRequest r) {
            ascii("{\"ts\":\"");
            iso(r.tsUs());
            ascii("\",\"req_id\":");
            string(r.reqId());
            ascii(",\"model\":");
            string(r.model());
            ascii(",\"lane\":");
            string(r.lane());
            ascii(",\"provider\":");
            string(r.provider());
            ascii(",\"decision\":");
            string(r.decision());
            ascii(",\"op\":");
            string(r.op());
            ascii(",\"status\":");
            number(r.status());
            ascii(",\"header_mode\":");
            string(r.headerMode());
            ascii(",\"http\":");
            string(r.http());
            ascii(",\"latency_ms\":");
            millis(r.latencyUs());
            ascii(",\"ttfb_ms\":");
            if (r.ttfbUs() < 0) {
                ascii("null");
            } else {
                millis(r.ttfbUs());
            }
            ascii(",\"input_tokens\":");
            number(r.inputTokens());
            ascii(",\"output_tokens\":");
            number(r.outputTokens());
            ascii(",\"cache_creation_input_tokens\":");
            number(r.cacheCreationInputTokens());
            ascii(",\"cache_read_input_tokens\":");
            number(r.cacheReadInputTokens());
            ascii(",\"stop_reason\":");
            string(r.stopReason());
            ascii(",\"outcome\":");
            string(r.outcome());
            ascii(",\"attempts\":");
            number(r.attempts());
            ascii(",\"upstream_model\":");
            string(r.upstreamModel());
            ascii(",\"cost_usd\":");
            usd(r.cost());
            ascii(",\"list_cost_usd\":");
            usd(r.listCost());
            ascii(",\"cache_creation_1h_input_tokens\":");
            number(r.cacheWrite1hTokens());
            if (r.member() != null) {
                ascii(",\"member\":");
                string(r.member());
            }
            ascii("}\n");
        }

        /** Text already in UTF-8 form (a test's line). */
        void append(CharSequence text) {
            byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
        }

        /** Text known to be ASCII (the field names). */
        private void ascii(String s) {
            int n = s.length();
            ensure(n);
            s.getBytes(0, n, bytes, size);
            size += n;
        }

        private void put(char c) {
            ensure(1);
            bytes[size++] = (byte) c;
        }

        /** As {@link Text#string}: a JSON string literal or {@code null}, in UTF-8. */
        private void string(String s) {
            if (s == null) {
                ascii("null");
                return;
            }
            int n = s.length();
            ensure(n + 2);
            int at = size;
            bytes[at++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
                    // Escapes or other than ASCII: the reference form, encoded as a whole.
                    scratch.setLength(0);
                    Text.string(scratch, s);
                    append(scratch);
                    return;
                }
                bytes[at++] = (byte) c;
            }
            bytes[at++] = '"';
            size = at;
        }

        private void number(long v) {
            if (v < 0) {
                if (v == Long.MIN_VALUE) {
                    ascii(Long.toString(v));
                    return;
                }
                put('-');
                v = -v;
            }
            int digits = 1;
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            ensure(digits);
            int end = size + digits;
            for (int i = end - 1; i >= size; i--) {
                bytes[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            size = end;
        }

        /** As {@link Text#millis}. */
        private void millis(long micros) {
            if (micros == Long.MIN_VALUE) {
                scratch.setLength(0);
                Text.millis(scratch, micros);
                append(scratch);
                return;
            }
            if (micros < 0) {
                put('-');
                micros = -micros;
            }
            number(micros / 1_000);
            int frac = (int) (micros % 1_000);
            if (frac != 0) {
                put('.');
                put((char) ('0' + frac / 100));
                if (frac % 100 != 0) {
                    put((char) ('0' + frac / 10 % 10));
                    if (frac % 10 != 0) {
                        put((char) ('0' + frac % 10));
                    }
                }
            }
        }

        /** As {@link Text#iso}, without its quotes; the date's text is kept while the day stays. */
        private void iso(long tsUs) {
            long ms = Math.floorDiv(tsUs, 1_000L);
            long day = Math.floorDiv(ms, 86_400_000L);
            if (day != cachedDay) {
                cachedDay = day;
                cachedDate = java.time.LocalDate.ofEpochDay(day).toString().getBytes(StandardCharsets.US_ASCII);
            }
            int msOfDay = (int) Math.floorMod(ms, 86_400_000L);
            ensure(cachedDate.length + 14);
            System.arraycopy(cachedDate, 0, bytes, size, cachedDate.length);
            size += cachedDate.length;
            bytes[size++] = 'T';
            two(msOfDay / 3_600_000);
            bytes[size++] = ':';
            two(msOfDay / 60_000 % 60);
            bytes[size++] = ':';
            two(msOfDay / 1_000 % 60);
            bytes[size++] = '.';
            int frac = msOfDay % 1_000;
            bytes[size++] = (byte) ('0' + frac / 100);
            bytes[size++] = (byte) ('0' + frac / 10 % 10);
            bytes[size++] = (byte) ('0' + frac % 10);
            bytes[size++] = 'Z';
        }

        private void two(int v) {
            bytes[size++] = (byte) ('0' + v / 10);
            bytes[size++] = (byte) ('0' + v % 10);
        }

        /** As {@link Money#text}: exact dollars, no trailing zeros, {@code 0} for nothing; or null when unpriced. */
        private void usd(Long picos) {
            if (picos == null) {
                ascii("null");
                return;
            }
            long p = picos;
            if (p == 0) {
                put('0');
                return;
            }
            if (p == Long.MIN_VALUE) {
                ascii(Money.text(p));
                return;
            }
            if (p < 0) {
                put('-');
                p = -p;
            }
            number(p / PICOS_PER_USD);
            long frac = p % PICOS_PER_USD;
            if (frac != 0) {
                int digits = 12;
                while (frac % 10 == 0) {
                    frac /= 10;
                    digits--;
                }
                put('.');
                ensure(digits);
                for (int i = size + digits - 1; i >= size; i--) {
                    bytes[i] = (byte) ('0' + frac % 10);
                    frac /= 10;
                }
                size += digits;
            }
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        int size() {
            return size;
        }

        /** The buffered bytes, valid until the next append or reset. */
        ByteBuffer bytes() {
            return ByteBuffer.wrap(bytes, 0, size);
        }

        void reset() {
            size = 0;
        }
    }
}
