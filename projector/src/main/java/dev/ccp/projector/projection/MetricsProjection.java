package dev.ccp.projector.projection;

import dev.ccp.readmodel.LatencySketch;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import dev.ccp.events.Event;
import dev.ccp.readmodel.Checkpoint;

import dev.ccp.events.Json;
import java.io.IOException;
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
    public void apply(long index, Event event, List<FinishedRequest> finished, RequestJoin join) {
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

    /** The file's text for a scoreboard. */
    static String render(Board b) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("{\n");
        for (String dim : DIMENSIONS) {
            sb.append("  \"by_").append(dim).append("\": {");
            Map<String, Stats> groups = b.by.getOrDefault(dim, new TreeMap<>());
            boolean first = true;
            for (var e : groups.entrySet()) {
                sb.append(first ? "\n" : ",\n").append("    ");
                Text.string(sb, e.getKey());
                sb.append(": ");
                e.getValue().render(sb, "    ");
                first = false;
            }
            sb.append(first ? "},\n" : "\n  },\n");
        }
        sb.append("  \"events\": ").append(b.events).append(",\n");
        sb.append("  \"first_ts\": ");
        Text.string(sb, b.firstTsUs == null ? null : Text.iso(b.firstTsUs));
        sb.append(",\n  \"last_ts\": ");
        Text.string(sb, b.lastTsUs == null ? null : Text.iso(b.lastTsUs));
        sb.append(",\n  \"schema\": 1,\n  \"total\": ");
        b.total.render(sb, "  ");
        sb.append(",\n  \"unreadable_events\": ").append(b.unreadable).append("\n}\n");
        return sb.toString();
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
        LatencySketch latency = new LatencySketch();
        @JsonSerialize(converter = SketchToText.class)
        @JsonDeserialize(converter = TextToSketch.class)
        LatencySketch ttfb = new LatencySketch();

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

        void render(StringBuilder sb, String indent) {
            String in = indent + "  ";
            sb.append("{\n");
            sb.append(in).append("\"cache_creation_input_tokens\": ").append(cacheCreationInputTokens).append(",\n");
            sb.append(in).append("\"cache_read_input_tokens\": ").append(cacheReadInputTokens).append(",\n");
            sb.append(in).append("\"count\": ").append(count).append(",\n");
            sb.append(in).append("\"errors\": ").append(errors).append(",\n");
            sb.append(in).append("\"input_tokens\": ").append(inputTokens).append(",\n");
            sb.append(in).append("\"latency_ms\": ");
            percentiles(sb, latency);
            sb.append(",\n");
            sb.append(in).append("\"output_tokens\": ").append(outputTokens).append(",\n");
            sb.append(in).append("\"total_tokens\": ")
                    .append(inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens).append(",\n");
            sb.append(in).append("\"ttfb_ms\": ");
            percentiles(sb, ttfb);
            sb.append('\n').append(indent).append('}');
        }

        private static void percentiles(StringBuilder sb, LatencySketch s) {
            if (s.count() == 0) {
                sb.append("{\"p50\": null, \"p95\": null}");
                return;
            }
            sb.append("{\"p50\": ");
            Text.millis(sb, s.percentile(0.50));
            sb.append(", \"p95\": ");
            Text.millis(sb, s.percentile(0.95));
            sb.append('}');
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
            return LatencySketch.fromBytes(Base64.getDecoder().decode(text));
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

        void add(FinishedRequest r) {
            total.add(r);
            firstTsUs = firstTsUs == null ? r.tsUs() : Math.min(firstTsUs, r.tsUs());
            lastTsUs = lastTsUs == null ? r.tsUs() : Math.max(lastTsUs, r.tsUs());
            group("decision", r.decision()).add(r);
            group("header_mode", r.headerMode()).add(r);
            group("http", r.http()).add(r);
            group("lane", r.lane()).add(r);
            group("model", r.model()).add(r);
            group("op", r.op()).add(r);
            group("outcome", r.outcome()).add(r);
        }

        private Stats group(String dim, String key) {
            return by.computeIfAbsent(dim, d -> new TreeMap<>()).computeIfAbsent(key == null ? "unknown" : key, k -> new Stats());
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
