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
    private final StringBuilder line = new StringBuilder(512);
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
            line.setLength(0);
            format(line, r);
            line.append('\n');
            buffer.append(line);
        }
        if (buffer.size() >= FLUSH_AT) {
            try {
                flushFiles();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** The line's JSON (no newline); field order is part of the contract (docs/PROJECTIONS.md). */
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
     * The lines written since the last flush, as UTF-8: an ASCII line (nearly all of them) is copied char
     * by char, with no String and no byte[] of its own; any other goes through {@link String#getBytes}.
     */
    static final class LineBuffer {
        private byte[] bytes;
        private int size;

        LineBuffer(int capacity) {
            bytes = new byte[capacity];
        }

        void append(CharSequence text) {
            int n = text.length();
            ensure(n);
            int at = size;
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
                    ensure(utf8.length);
                    System.arraycopy(utf8, 0, bytes, size, utf8.length);
                    size += utf8.length;
                    return;
                }
                bytes[at++] = (byte) c;
            }
            size = at;
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
