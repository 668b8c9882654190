package dev.ccp.projector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.ccp.events.EventCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A team topic as the projector's source: {@code kafka://HOST:PORT[,HOST:PORT]/TOPIC}, read with the
 * Kafka client properties of {@code --kafka-config} (TLS, SASL) and committed records only.
 */
public record TopicSource(String bootstrap, String topic, Properties clientProperties) {
    private static final Pattern URI = Pattern.compile("kafka://([^/\\s]+:\\d{1,5}(?:,[^/\\s]+:\\d{1,5})*)/([A-Za-z0-9._-]+)");

    /**
     * Parses {@code kafka://HOST:PORT/TOPIC}.
     *
     * @throws IllegalArgumentException with the one line to show
     */
    public static TopicSource parse(String uri, Path clientConfig) {
        Matcher m = URI.matcher(uri.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--source must be kafka://HOST:PORT[,HOST:PORT]/TOPIC, not '" + uri + "'");
        }
        Properties p = new Properties();
        if (clientConfig != null && !clientConfig.toString().isBlank()) {
            try (Reader r = Files.newBufferedReader(clientConfig)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the Kafka client properties " + clientConfig + " ("
                        + e.getMessage() + ")");
            }
        }
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, m.group(1));
        return new TopicSource(m.group(1), m.group(2), p);
    }

    /** How the source is named in checkpoints and messages. */
    public String uri() {
        return "kafka://" + bootstrap + "/" + topic;
    }

    /**
     * Checks at start that the brokers answer and the topic exists.
     *
     * @throws ProjectorException with the one line to show
     */
    public void check() {
        if (!exists()) {
            throw new ProjectorException("there is no topic " + topic + " at " + bootstrap
                    + " (a shipper creates it when it first starts)");
        }
    }

    /**
     * Whether the topic exists.
     *
     * @throws ProjectorException with the one line to show when the brokers do not answer
     */
    public boolean exists() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        // Generous: a broker that is up but starved of CPU must not read as a wrong address.
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        try (Admin admin = Admin.create(p)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(35, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new ProjectorException("cannot reach Kafka at " + bootstrap + " (" + firstLine(e.getCause()) + ")");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ProjectorException("cannot reach Kafka at " + bootstrap + " (no answer within 35 s)");
        } catch (KafkaException e) {
            throw new ProjectorException("cannot reach Kafka at " + bootstrap + " (" + firstLine(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectorException("interrupted while reaching Kafka at " + bootstrap);
        }
    }

    /** Consumer settings: no group (positions live in the projection's own store), committed records only. */
    public Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // A follower answers within this when nothing new came: it bounds how late a quiet partition says so.
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ccp-projector");
        return p;
    }

    /** The position saved with a checkpoint: the next offset of each partition. */
    public static String positionJson(Map<Integer, Long> next) {
        try {
            return EventCodec.mapper().writeValueAsString(new TreeMap<>(next));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<Integer, Long> parsePosition(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return new TreeMap<>(EventCodec.mapper().readValue(json, new TypeReference<Map<Integer, Long>>() { }));
        } catch (JsonProcessingException e) {
            throw new ProjectorException("the saved topic position cannot be read (" + e.getOriginalMessage()
                    + "); run --rebuild");
        }
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().startsWith("Failed to create"))) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
