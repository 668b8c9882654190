package dev.ccp.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where the event log ends, read from the header of each daily file of the queue without opening it
 * with Chronicle. A command that only asks "is anything after this checkpoint?" would otherwise pay
 * Chronicle's start (its static initialisation loads a native-call layer, generates code and starts a
 * process: about half a second of a command's second).
 *
 * <p>Each file of {@link EventLog}'s queue (rolled daily, {@code yyyyMMdd'F'.cq4}) opens with a header
 * whose {@code writePosition} holds the position of the last complete document and, beside it, that
 * document's sequence number with the low bits of its position as a check. The writer sets both when
 * it closes a document, so they name the last event whose bytes are all written. An index is
 * {@code cycle << 32 | sequence} (Chronicle's {@code FAST_DAILY}).
 *
 * <p>Anything unexpected (a header of another shape, a position that does not match its sequence while
 * a writer is between the two updates, a file of another name) gives no answer, and the caller opens the
 * queue instead: this is a fast path, never a second opinion.
 */
public final class LogEnd {
    private static final int CYCLE_SHIFT = 32;
    private static final long SEQUENCE_MASK = (1L << CYCLE_SHIFT) - 1;
    private static final int HEADER_BYTES = 512;
    private static final byte[] WRITE_POSITION = fieldName("writePosition");
    private static final int PADDING32 = 0x8E;
    private static final int PADDING = 0x8F;
    private static final int I64_ARRAY = 0x8D;

    /** One daily file: its cycle and the sequence of its last event (-1: none yet). */
    record Cycle(long cycle, long lastSequence) {
        long lastIndex() {
            return cycle << CYCLE_SHIFT | lastSequence;
        }
    }

    private final List<Cycle> cycles;

    private LogEnd(List<Cycle> cycles) {
        this.cycles = cycles;
    }

    /**
     * The log end of the queue in {@code dir}, or null when the files cannot be read this way (the caller
     * then opens the queue). A missing folder or one without daily files is an empty log.
     */
    public static LogEnd read(Path dir) {
        List<Cycle> cycles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.cq4")) {
            for (Path f : files) {
                long cycle = cycleOf(f.getFileName().toString());
                if (cycle < 0) {
                    return null;
                }
                long seq = lastSequence(f);
                if (seq == Long.MIN_VALUE) {
                    return null;
                }
                cycles.add(new Cycle(cycle, seq));
            }
        } catch (NoSuchFileException e) {
            return new LogEnd(List.of());
        } catch (IOException | RuntimeException e) {
            return null;
        }
        cycles.sort((a, b) -> Long.compare(a.cycle(), b.cycle()));
        return new LogEnd(List.copyOf(cycles));
    }

    /** The index of the last event, or -1 for an empty log: the same as {@link EventLog#lastIndex()}. */
    public long lastIndex() {
        for (int i = cycles.size() - 1; i >= 0; i--) {
            if (cycles.get(i).lastSequence() >= 0) {
                return cycles.get(i).lastIndex();
            }
        }
        return -1;
    }

    /**
     * How many events come after {@code index} (all of them for a negative index): the same as
     * {@link EventLog#countAfter(long)}, or empty when {@code index} is not in a file of this log.
     */
    public OptionalLong countAfter(long index) {
        long count = 0;
        boolean found = index < 0;
        long cycle = index >>> CYCLE_SHIFT;
        long seq = index & SEQUENCE_MASK;
        for (Cycle c : cycles) {
            if (index < 0 || c.cycle() > cycle) {
                count += c.lastSequence() + 1;
            } else if (c.cycle() == cycle) {
                found = true;
                count += Math.max(0, c.lastSequence() - seq);
            }
        }
        if (index >= 0 && index >= lastIndex()) {
            return OptionalLong.of(0);
        }
        return found ? OptionalLong.of(count) : OptionalLong.empty();
    }

    int cyclesForTest() {
        return cycles.size();
    }

    /** The cycle of {@code yyyyMMdd'F'.cq4} (days since 1970-01-01), or -1 for another name. */
    static long cycleOf(String name) {
        if (name.length() != 13 || name.charAt(8) != 'F' || !name.endsWith(".cq4")) {
            return -1;
        }
        try {
            String d = name.substring(0, 8);
            return LocalDate.of(Integer.parseInt(d, 0, 4, 10), Integer.parseInt(d, 4, 6, 10), Integer.parseInt(d, 6, 8, 10))
                    .toEpochDay();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return -1;
        }
    }

    /** The sequence of the file's last complete event, -1 when it has none, Long.MIN_VALUE when unreadable. */
    static long lastSequence(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b) > 0) {
                // Read the header whole.
            }
        }
        b.flip();
        if (b.remaining() < 8) {
            return b.remaining() == 0 ? -1 : Long.MIN_VALUE;
        }
        int at = indexOf(b, WRITE_POSITION);
        if (at < 0) {
            return Long.MIN_VALUE;
        }
        int p = at + WRITE_POSITION.length;
        while (p < b.limit()) {
            int code = b.get(p) & 0xFF;
            if (code == PADDING) {
                p++;
            } else if (code == PADDING32 && p + 5 <= b.limit()) {
                p += 5 + b.getInt(p + 1);
            } else {
                break;
            }
        }
        if (p + 1 + 32 > b.limit() || (b.get(p) & 0xFF) != I64_ARRAY) {
            return Long.MIN_VALUE;
        }
        long capacity = b.getLong(p + 1);
        long position = b.getLong(p + 17);
        long sequenceValue = b.getLong(p + 25);
        if (capacity < 2) {
            return Long.MIN_VALUE;
        }
        if (sequenceValue == 0) {
            return position == 0 ? -1 : Long.MIN_VALUE;
        }
        if ((sequenceValue >>> CYCLE_SHIFT) != (position & SEQUENCE_MASK)) {
            // A writer between setting the position and the sequence.
            return Long.MIN_VALUE;
        }
        return sequenceValue & SEQUENCE_MASK;
    }

    private static int indexOf(ByteBuffer b, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.limit(); i++) {
            for (int j = 0; j < what.length; j++) {
                if (b.get(i + j) != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A short field name as Chronicle's binary wire writes it: 0xC0 + its length, then its bytes. */
    private static byte[] fieldName(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[n.length + 1];
        out[0] = (byte) (0xC0 + n.length);
        System.arraycopy(n, 0, out, 1, n.length);
        return out;
    }
}
