package dev.ccp.ship;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.events.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where a shipper stands: the local queue index of the last event it shipped, kept in Kafka itself,
 * in a compacted topic beside the events ({@code <topic>.shipped}, keyed by the log's source id)
 * and written in the same transaction as the events. So what Kafka holds and what the shipper
 * believes it shipped can never disagree, whatever dies when.
 */
final class ShippedPosition {
    private ShippedPosition() {
    }

    static String topicFor(String eventsTopic) {
        return eventsTopic + ".shipped";
    }

    static byte[] value(long index, long shipped, String member) {
        var node = EventCodec.mapper().createObjectNode();
        node.put("index", index);
        node.put("shipped", shipped);
        node.put("member", member);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The committed position of {@code source}: index and count shipped; index -1 when it never shipped. */
    record Position(long index, long shipped) {
        static final Position NONE = new Position(-1, 0);
    }

    /** Reads every committed record of the positions topic and keeps the last one of {@code source}. */
    static Position read(Properties clientProps, String positionsTopic, String source, Duration timeout) throws IOException {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(positionsTopic, timeout);
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : infos) {
                parts.add(new TopicPartition(i.topic(), i.partition()));
            }
            if (parts.isEmpty()) {
                return Position.NONE;
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, timeout));
            Position found = Position.NONE;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("cannot read " + positionsTopic + " to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && source.equals(new String(r.key(), StandardCharsets.UTF_8)) && r.value() != null) {
                        JsonNode v = EventCodec.mapper().readTree(r.value());
                        found = new Position(v.path("index").asLong(-1), v.path("shipped").asLong(0));
                    }
                }
            }
            return found;
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
