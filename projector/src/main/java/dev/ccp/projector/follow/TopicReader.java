package dev.ccp.projector.follow;

import dev.ccp.events.EventCodec;
import dev.ccp.events.LogEntry;
import dev.ccp.events.UnreadableEventException;
import dev.ccp.projector.TopicSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Reads a team topic on its own thread, committed records only, and hands them to the tail loop in
 * one order: the partitions merged by (record time, partition, offset), each record emitted only
 * once every partition either has a record waiting or has none left to read. A rebuild over the same
 * records therefore applies them in the same order, whatever the fetches looked like.
 *
 * <p>Each record gets the next number of the projector's own sequence as its index; each chunk carries
 * the next offset of every partition after its last record, which the tail loop saves with the
 * checkpoint in the projection's transaction, so a restart continues exactly after it.
 */
final class TopicReader implements EntryReader {
    private static final int CHUNK = 1024;

    private record Chunk(List<LogEntry> entries, Map<Integer, Long> next) {
    }

    private static final Chunk CAUGHT_UP_CHUNK = new Chunk(LogReader.CAUGHT_UP, null);

    private final Handoff<Chunk> handoff = new Handoff<>(32);
    private final Thread thread;
    private volatile long lag;
    private Map<Integer, Long> lastNext;

    /**
     * @param start   next offset per partition (partitions not named start at their beginning)
     * @param lastSeq the index of the last record applied before (-1 for none)
     */
    TopicReader(TopicSource source, Map<Integer, Long> start, long lastSeq, boolean follow) {
        this.lastNext = new TreeMap<>(start);
        thread = Thread.ofPlatform().daemon().name("ccp-projector-topic-reader")
                .start(() -> run(source, start, lastSeq, follow));
    }

    private void run(TopicSource source, Map<Integer, Long> start, long lastSeq, boolean follow) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(source.consumerProperties())) {
            List<PartitionInfo> infos = consumer.partitionsFor(source.topic(), Duration.ofSeconds(30));
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : infos) {
                parts.add(new TopicPartition(i.topic(), i.partition()));
            }
            consumer.assign(parts);
            Map<Integer, Long> next = new TreeMap<>();
            for (TopicPartition tp : parts) {
                Long at = start.get(tp.partition());
                if (at == null) {
                    consumer.seekToBeginning(List.of(tp));
                    next.put(tp.partition(), consumer.position(tp));
                } else {
                    consumer.seek(tp, at);
                    next.put(tp.partition(), at);
                }
            }
            // The end as it was at the start: a rebuild reads at least that far before calling itself caught
            // up. Records committed later are seen through each fetch's own lag (no further broker calls,
            // so a broker outage only pauses the reader).
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(30)));
            Map<Integer, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new TreeMap<>();
            for (TopicPartition tp : parts) {
                buffers.put(tp.partition(), new ArrayDeque<>());
            }
            long seq = lastSeq;
            List<LogEntry> chunk = new ArrayList<>(CHUNK);
            while (!handoff.isClosed()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    buffers.get(r.partition()).add(r);
                }
                while (true) {
                    ConsumerRecord<byte[], byte[]> head = null;
                    boolean blocked = false;
                    for (TopicPartition tp : parts) {
                        ArrayDeque<ConsumerRecord<byte[], byte[]>> b = buffers.get(tp.partition());
                        if (b.isEmpty()) {
                            if (!caughtUp(consumer, tp, end, follow)) {
                                blocked = true;
                                break;
                            }
                        } else if (head == null || before(b.peekFirst(), head)) {
                            head = b.peekFirst();
                        }
                    }
                    if (blocked || head == null) {
                        break;
                    }
                    buffers.get(head.partition()).pollFirst();
                    chunk.add(entry(++seq, head));
                    next.put(head.partition(), head.offset() + 1);
                    if (chunk.size() == CHUNK) {
                        handoff.put(new Chunk(chunk, new TreeMap<>(next)));
                        chunk = new ArrayList<>(CHUNK);
                    }
                }
                if (!chunk.isEmpty()) {
                    handoff.put(new Chunk(chunk, new TreeMap<>(next)));
                    chunk = new ArrayList<>(CHUNK);
                }
                long behind = 0;
                boolean all = true;
                for (TopicPartition tp : parts) {
                    behind += buffers.get(tp.partition()).size();
                    OptionalLong l = consumer.currentLag(tp);
                    behind += l.orElse(0);
                    all &= buffers.get(tp.partition()).isEmpty() && caughtUp(consumer, tp, end, follow);
                }
                lag = behind;
                if (all) {
                    handoff.put(CAUGHT_UP_CHUNK);
                    if (!follow) {
                        return;
                    }
                }
            }
        } catch (KafkaException | IllegalStateException e) {
            handoff.fail(new IllegalStateException("cannot read topic " + source.topic() + " at " + source.bootstrap()
                    + ": " + e.getMessage(), e), CAUGHT_UP_CHUNK);
        }
    }

    /**
     * Nothing of this partition is left to read: its position has reached the end known at the start,
     * and (for a follower) the last fetch saw nothing beyond it.
     */
    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, Map<TopicPartition, Long> end,
                                    boolean follow) {
        long pos = c.position(tp);
        if (pos < end.getOrDefault(tp, 0L)) {
            return false;
        }
        if (follow) {
            OptionalLong l = c.currentLag(tp);
            return l.isEmpty() || l.getAsLong() == 0;
        }
        return true;
    }

    private static boolean before(ConsumerRecord<byte[], byte[]> a, ConsumerRecord<byte[], byte[]> b) {
        if (a.timestamp() != b.timestamp()) {
            return a.timestamp() < b.timestamp();
        }
        if (a.partition() != b.partition()) {
            return a.partition() < b.partition();
        }
        return a.offset() < b.offset();
    }

    private static LogEntry entry(long seq, ConsumerRecord<byte[], byte[]> r) {
        byte[] v = r.value();
        if (v == null) {
            return new LogEntry.Unreadable(seq, "an empty record at partition " + r.partition() + " offset " + r.offset());
        }
        try {
            var member = r.headers().lastHeader("ccp-member");
            return new LogEntry.Read(seq, EventCodec.decode(v),
                    member == null ? null : new String(member.value(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (UnreadableEventException e) {
            return new LogEntry.Unreadable(seq, e.getMessage() + " (partition " + r.partition() + " offset " + r.offset() + ")");
        }
    }

    @Override
    public List<LogEntry> poll(long millis) {
        Chunk c = handoff.poll(millis);
        if (c == null) {
            return null;
        }
        if (c.next() != null) {
            lastNext = c.next();
        }
        return c.entries();
    }

    @Override
    public String positionAfterPolled() {
        return TopicSource.positionJson(lastNext);
    }

    @Override
    public long lag() {
        return lag;
    }

    @Override
    public void close() {
        handoff.closeAndJoin(thread);
    }
}
