package dev.ccp.projector.projection;

import dev.ccp.readmodel.LatencySketch;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import dev.ccp.events.Event;
import dev.ccp.readmodel.Checkpoint;

import dev.ccp.events.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code results/METRICS.json}, the scoreboard of {@code make summarize}: counts, token totals and
 * latency p50/p95 over all finished requests, by lane, op, header_mode, http, decision, model and outcome.
 * The scoreboard itself is saved with the checkpoint; the file is derived from it after each commit and
 * replaced atomically. Its text is fixed: sorted keys, two-space indentation, milliseconds with at most
 * three decimals.
 */
public final class MetricsProjection implements Projection {
    public static final String NAME = "metrics";
    static final List<String> DIMENSIONS = List.of("decision", "header_mode", "http", "lane", "model", "op", "outcome");
    private static final ObjectMapper JSON = Json.MAPPER;

    private final Path file;
    private final long paceNanos;
    private Board board = new Board();
    private boolean dirty;
    private long lastWriteNanos;

    public MetricsProjection(Path file, java.time.Duration pace) {
        this.file = file;
        this.paceNanos = pace.toNanos();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(Connection db, Checkpoint checkpoint) throws IOException {
        board = checkpoint.state() == null ? new Board() : Board.fromJson(checkpoint.state());
        // The file is rewritten after the commit, paced, so a run killed in between leaves it trailing
        // the checkpoint; a restart may have nothing left to apply, so compare it with the saved board.
        dirty = !render(board).equals(existing());
    }

    private String existing() throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException | MalformedInputException e) {
            return null;
        }
    }

    @Override
    public void apply(long index, Event event, List<FinishedRequest> finished, String requestModel) {
        board.events++;
        for (FinishedRequest r : finished) {
            board.add(r);
        }
        dirty = true;
    }

    @Override
    public void unreadable(long index) {
        board.events++;
        board.unreadable++;
        dirty = true;
    }

    @Override
    public String state() {
        return board.toJson();
    }

    @Override
    public void afterCommit(boolean last) throws IOException {
        long now = System.nanoTime();
        if (!dirty || (!last && now - lastWriteNanos < paceNanos)) {
            return;
        }
        write(file, render(board));
        lastWriteNanos = now;
        dirty = false;
    }

    @Override
    public void idle() throws IOException {
        afterCommit(false);
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void wipe(Connection db) throws IOException {
        Files.deleteIfExists(file);
        board = new Board();
    }

    /** The file's text for a scoreboard: keys sorted, through the shared pretty configuration. */
    static String render(Board b) {
        Map<String, Object> doc = new TreeMap<>();
        for (String dim : DIMENSIONS) {
            Map<String, Group> groups = new TreeMap<>();
            b.by.getOrDefault(dim, new TreeMap<>()).forEach((key, stats) -> groups.put(key, stats.group()));
            doc.put("by_" + dim, groups);
        }
        doc.put("events", b.events);
        doc.put("first_ts", b.firstTsUs == null ? null : Text.iso(b.firstTsUs));
        doc.put("last_ts", b.lastTsUs == null ? null : Text.iso(b.lastTsUs));
        doc.put("schema", 1);
        doc.put("total", b.total.group());
        doc.put("unreadable_events", b.unreadable);
        try {
            return Json.PRETTY.writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A group as the file shows it; components in the file's (alphabetical) order. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Group(long cacheCreationInputTokens, long cacheReadInputTokens, long count, long errors, long inputTokens,
                 @JsonSerialize(using = Json.OneLine.class) Percentiles latencyMs,
                 long outputTokens, long totalTokens,
                 @JsonSerialize(using = Json.OneLine.class) Percentiles ttfbMs) {
    }

    /** p50 and p95 in milliseconds with at most three decimals, or nulls for no samples. */
    record Percentiles(BigDecimal p50, BigDecimal p95) {
        static Percentiles of(LatencySketch s) {
            return s.count() == 0 ? new Percentiles(null, null)
                    : new Percentiles(millis(s.percentile(0.50)), millis(s.percentile(0.95)));
        }

        private static BigDecimal millis(long micros) {
            return BigDecimal.valueOf(micros, 3).stripTrailingZeros();
        }
    }

    /** Sums over a group of requests; saved with the checkpoint as it is, field by field in this order. */
    @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
    @JsonPropertyOrder({"count", "errors", "inputTokens", "outputTokens", "cacheCreationInputTokens",
            "cacheReadInputTokens", "latency", "ttfb"})
    static final class Stats {
        long count;
        long errors;
        long inputTokens;
        long outputTokens;
        long cacheCreationInputTokens;
        long cacheReadInputTokens;
        @JsonSerialize(converter = SketchToText.class)
        @JsonDeserialize(converter = TextToSketch.class)
        LatencySketch latency = LatencySketch.plain();
        @JsonSerialize(converter = SketchToText.class)
        @JsonDeserialize(converter = TextToSketch.class)
        LatencySketch ttfb = LatencySketch.plain();

        void add(FinishedRequest r) {
            count++;
            if (r.isError()) {
                errors++;
            }
            inputTokens += r.inputTokens();
            outputTokens += r.outputTokens();
            cacheCreationInputTokens += r.cacheCreationInputTokens();
            cacheReadInputTokens += r.cacheReadInputTokens();
            latency.add(r.latencyUs());
            if (r.ttfbUs() >= 0) {
                ttfb.add(r.ttfbUs());
            }
        }

        Group group() {
            return new Group(cacheCreationInputTokens, cacheReadInputTokens, count, errors, inputTokens,
                    Percentiles.of(latency), outputTokens,
                    inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens, Percentiles.of(ttfb));
        }
    }

    /** A sketch in the saved scoreboard: its bytes in base64. */
    static final class SketchToText extends StdConverter<LatencySketch, String> {
        @Override
        public String convert(LatencySketch sketch) {
            return Base64.getEncoder().encodeToString(sketch.toBytes());
        }
    }

    static final class TextToSketch extends StdConverter<String, LatencySketch> {
        @Override
        public LatencySketch convert(String text) {
            LatencySketch sketch = LatencySketch.plain();
            sketch.addBytes(Base64.getDecoder().decode(text));
            return sketch;
        }
    }

    /** The scoreboard: totals and one group per value of each dimension; saved with the checkpoint as it is. */
    @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
    @JsonPropertyOrder({"events", "unreadable", "firstTsUs", "lastTsUs", "total", "by"})
    static final class Board {
        long events;
        long unreadable;
        Long firstTsUs;
        Long lastTsUs;
        Stats total = new Stats();
        TreeMap<String, TreeMap<String, Stats>> by = new TreeMap<>();

        /**
         * Each dimension's groups by key, beside {@link #by}: a hash lookup per request and dimension
         * instead of two tree walks. Filled as groups are met; not saved.
         */
        @JsonIgnore
        private final java.util.HashMap<String, Stats>[] seen = seenMaps();

        @SuppressWarnings("unchecked")
        private static java.util.HashMap<String, Stats>[] seenMaps() {
            java.util.HashMap<String, Stats>[] maps = new java.util.HashMap[DIMENSIONS.size()];
            for (int i = 0; i < maps.length; i++) {
                maps[i] = new java.util.HashMap<>();
            }
            return maps;
        }

        void add(FinishedRequest r) {
            total.add(r);
            long ts = r.tsUs();
            if (firstTsUs == null || ts < firstTsUs) {
                firstTsUs = ts;
            }
            if (lastTsUs == null || ts > lastTsUs) {
                lastTsUs = ts;
            }
            // In the order of DIMENSIONS.
            group(0, r.decision()).add(r);
            group(1, r.headerMode()).add(r);
            group(2, r.http()).add(r);
            group(3, r.lane()).add(r);
            group(4, r.model()).add(r);
            group(5, r.op()).add(r);
            group(6, r.outcome()).add(r);
        }

        private Stats group(int dimension, String key) {
            String k = key == null ? "unknown" : key;
            Stats s = seen[dimension].get(k);
            if (s == null) {
                s = by.computeIfAbsent(DIMENSIONS.get(dimension), d -> new TreeMap<>()).computeIfAbsent(k, x -> new Stats());
                seen[dimension].put(k, s);
            }
            return s;
        }

        String toJson() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Board fromJson(String json) {
            try {
                return JSON.readValue(json, Board.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the saved scoreboard cannot be read; run --rebuild --only metrics", e);
            }
        }
    }
}
