package dev.ccp.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ccp.events.EventCodec;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Tails the local event log and produces every document, byte for byte, to the events topic, keyed by
 * request id (events of no request by instance), so one request's events stay in order in one partition.
 *
 * <p>Exactly once by Kafka transactions: each batch of events and the shipper's new position (in
 * {@link ShippedPosition}'s topic) commit together, under a transactional id fixed per local log. A
 * restarted shipper — after a kill -9, a broker restart or an outage — first fences and aborts whatever
 * its predecessor left open, then reads its committed position back and continues after it; team
 * projectors read committed records only. Nothing is ever dropped: while Kafka is unreachable the
 * local log is the buffer and the backlog grows.
 *
 * <p>Kept as one class of some 330 lines: connecting, shipping a batch and the retry loop share the
 * producer, the tailer and the status, and the order of their steps is the exactly-once argument; split
 * apart, that argument would be spread over classes passing the same state around.
 */
public final class Shipper {
    private static final Logger LOG = Logger.getLogger(Shipper.class.getName());
    /**
     * Events per transaction at most. A transaction's commit waits for every record of it to be
     * acknowledged, so a backlog ships fastest in few large ones; live traffic commits whatever the
     * last look found (usually a few events), so it never waits for a batch to fill.
     */
    private static final int MAX_BATCH = 100_000;
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Path queueDir;
    private final String topic;
    private final String member;
    private final Properties clientProps;
    private final String source;
    private final ShipStatus status;

    /**
     * The one header of every record: the member. The log's source id and its local index are in the
     * position record of each transaction, not in every record (they cost a fifth of each record's bytes).
     */
    private final Iterable<Header> memberHeader;
    private KafkaProducer<byte[], byte[]> producer;
    private EventTailer tailer;
    /**
     * The position of the last transaction whose commit this shipper saw acknowledged (kept across
     * restarts by {@link AcknowledgedPosition}), or NONE. Kafka keeps an acknowledged commit, but after
     * a broker restart the commit marker of its position record can lag behind its events' markers: the
     * events already show while the committed read of the positions topic still ends before that record
     * (seen: a record left unsettled until this shipper's next transaction). Reading back the position
     * alone would then ship that transaction's events a second time; what the shipper knows it committed
     * wins over an older position read back.
     */
    private ShippedPosition.Position acknowledged = ShippedPosition.Position.NONE;
    private final Path acknowledgedFile;
    /** Kafka's id of the events topic, or null when the cluster does not say (then nothing is kept on disk). */
    private String topicId;
    private boolean saidCannotKeep;
    private boolean topicsChecked;
    private boolean saidUnreachable;

    /**
     * @param logDir      the local log folder ({@code CCP_LOG_DIR}); its {@code queue/} is shipped and
     *                    {@code ship-source} names it (created on first use)
     * @param clientProps Kafka client properties: at least {@code bootstrap.servers}, plus TLS/SASL settings
     */
    public Shipper(Path logDir, String topic, String member, Properties clientProps) throws IOException {
        this.queueDir = logDir.resolve("queue");
        this.acknowledgedFile = AcknowledgedPosition.fileIn(logDir);
        this.topic = topic;
        this.member = member;
        this.clientProps = clientProps;
        this.source = sourceId(logDir);
        this.status = new ShipStatus();
        this.memberHeader = List.of(new RecordHeader("ccp-member", member.getBytes(StandardCharsets.UTF_8)));
    }

    /** The id of a local log in the team: random, made once, kept in {@code <log dir>/ship-source}. */
    static String sourceId(Path logDir) throws IOException {
        Path file = logDir.resolve("ship-source");
        if (Files.exists(file)) {
            String id = Files.readString(file).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        Files.createDirectories(logDir);
        String id = UUID.randomUUID().toString();
        Path tmp = logDir.resolve("ship-source.tmp");
        Files.writeString(tmp, id + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    public String source() {
        return source;
    }

    public ShipStatus status() {
        return status;
    }

    /**
     * Ships until {@code stop} says so. Returns normally when stopped.
     *
     * @throws ShipException when it cannot go on: another shipper ships this log, or the topic holds
     *                       more of this log than the local log does
     */
    public void run(BooleanSupplier stop) {
        long backoff = TimeUnit.MILLISECONDS.toNanos(200);
        try (EventLog log = EventLog.open(queueDir)) {
            while (!stop.getAsBoolean()) {
                try {
                    if (producer == null) {
                        connect(log);
                        backoff = TimeUnit.MILLISECONDS.toNanos(200);
                    }
                    int n = shipBatch(log);
                    if (n == 0) {
                        LockSupport.parkNanos(20_000_000L);
                    }
                } catch (ProducerFencedException e) {
                    disconnect();
                    throw new ShipException("another shipper now ships this log (source " + source
                            + ", transactional id " + transactionalId() + "); this one stops");
                } catch (KafkaException | IOException e) {
                    disconnect();
                    status.unreachable(oneLine(e));
                    if (!saidUnreachable) {
                        saidUnreachable = true;
                        LOG.warning("cannot ship to Kafka at " + clientProps.getProperty("bootstrap.servers") + " ("
                                + oneLine(e) + "); retrying with backoff up to 30 s, the local log keeps every event"
                                + " meanwhile (backlog on /readyz)");
                    }
                    status.backlog(log.countAfter(status.position()));
                    long until = System.nanoTime() + backoff;
                    while (!stop.getAsBoolean() && System.nanoTime() < until) {
                        LockSupport.parkNanos(50_000_000L);
                    }
                    backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
                }
            }
        } finally {
            disconnect();
        }
    }

    private String transactionalId() {
        return "ccp-ship-" + source;
    }

    private void connect(EventLog log) throws IOException {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Room for a whole transaction of a backlog in the producer's buffer, so send() does not block on it.
        p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ccp-ship-" + member);
        producer = new KafkaProducer<>(p);
        // Fences an earlier shipper of this log and ends (aborts) the transaction it left open.
        producer.initTransactions();
        if (!topicsChecked) {
            topicId = createTopicsIfMissing();
            topicsChecked = true;
            if (acknowledged == ShippedPosition.Position.NONE) {
                acknowledged = AcknowledgedPosition.load(acknowledgedFile, topicId);
            }
        }
        ShippedPosition.Position read = ShippedPosition.read(clientProps, ShippedPosition.topicFor(topic), source,
                Duration.ofSeconds(30));
        ShippedPosition.Position at = read.index() >= acknowledged.index() ? read : acknowledged;
        if (at.index() > log.lastIndex()) {
            throw new ShipException("the topic " + topic + " holds this log up to index 0x" + Long.toHexString(at.index())
                    + " but the local log at " + queueDir + " ends at 0x" + Long.toHexString(log.lastIndex())
                    + " (was it replaced?); remove " + queueDir.resolveSibling("ship-source") + " to ship it as a new source");
        }
        if (tailer != null) {
            tailer.close();
        }
        tailer = log.after(at.index());
        status.connected(at.index(), at.shipped(), log.countAfter(at.index()));
        if (saidUnreachable) {
            saidUnreachable = false;
            LOG.info("shipping to Kafka again from index 0x" + Long.toHexString(at.index()) + "; backlog "
                    + status.backlog() + " events");
        }
    }

    /** Creates the events and positions topics when missing; returns the events topic's id, or null. */
    private String createTopicsIfMissing() {
        try (Admin admin = Admin.create(clientProps)) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
            topics.add(new NewTopic(ShippedPosition.topicFor(topic), Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(TimeUnit.MINUTES.toMillis(10)))));
            for (var f : admin.createTopics(topics).values().entrySet()) {
                try {
                    f.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AuthorizationException) {
                        LOG.info("not allowed to create topic " + f.getKey() + "; using it as the cluster has it");
                    } else if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new KafkaException("cannot create topic " + f.getKey() + ": " + oneLine(e), e);
                    }
                }
            }
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                        .topicId().toString();
            } catch (ExecutionException e) {
                LOG.info("cannot learn the id of topic " + topic + " (" + oneLine(e) + "); the last acknowledged"
                        + " commit is then kept in memory only");
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaException("timed out creating topics", e);
        }
    }

    private int shipBatch(EventLog log) {
        List<EventTailer.Document> docs = new ArrayList<>();
        EventTailer.Document d;
        while (docs.size() < MAX_BATCH && (d = tailer.nextDocument()) != null) {
            docs.add(d);
        }
        if (docs.isEmpty()) {
            status.backlog(0);
            return 0;
        }
        long last = docs.getLast().index();
        long shipped = status.shipped() + docs.size();
        byte[] sourceBytes = source.getBytes(StandardCharsets.UTF_8);
        producer.beginTransaction();
        for (EventTailer.Document doc : docs) {
            Key k = key(doc.bytes());
            producer.send(new ProducerRecord<>(topic, null, k.timestampMs, k.key, doc.bytes(), memberHeader));
        }
        producer.send(new ProducerRecord<>(ShippedPosition.topicFor(topic), sourceBytes,
                ShippedPosition.value(last, shipped, member)));
        producer.commitTransaction();
        acknowledged = new ShippedPosition.Position(last, shipped);
        keepAcknowledged();
        status.shipped(last, docs.size(), log.countAfter(last));
        return docs.size();
    }

    private void keepAcknowledged() {
        if (topicId == null) {
            return;
        }
        try {
            AcknowledgedPosition.save(acknowledgedFile, topicId, acknowledged);
        } catch (IOException e) {
            if (!saidCannotKeep) {
                saidCannotKeep = true;
                LOG.warning("cannot write " + acknowledgedFile + " (" + oneLine(e) + "); shipping goes on, a restart"
                        + " then relies on the position Kafka reads back");
            }
        }
    }

    record Key(byte[] key, Long timestampMs) {
    }

    private static final JsonFactory JSON = EventCodec.mapper().getFactory();

    /**
     * The request id (else the instance) as the record key, and the event time as the record time. Only
     * the envelope's top-level fields are read (they come first), not the whole event: shipping is a copy.
     */
    static Key key(byte[] doc) {
        String reqId = null;
        String instance = null;
        Long tsMs = null;
        try (JsonParser p = JSON.createParser(doc)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Key(null, null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "req_id" -> reqId = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "instance" -> instance = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "ts_us" -> tsMs = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() / 1000 : null;
                    default -> p.skipChildren();
                }
                if (instance != null && tsMs != null) {
                    break;
                }
            }
        } catch (IOException unreadable) {
            // Shipped as it is: the team projectors skip and count it like the local ones do.
            return new Key(null, null);
        }
        String k = reqId != null ? reqId : instance;
        return new Key(k == null ? null : k.getBytes(StandardCharsets.UTF_8), tsMs);
    }

    private void disconnect() {
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // Closing a producer whose broker is gone; the next one fences it anyway.
            }
            producer = null;
        }
    }

    static String oneLine(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t instanceof ExecutionException
                || (t instanceof KafkaException && t.getCause() != null && t.getMessage().startsWith("Failed to construct")))
                && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
