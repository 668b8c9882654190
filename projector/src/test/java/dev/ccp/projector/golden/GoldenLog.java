package dev.ccp.projector.golden;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Event;
import dev.ccp.events.EventCodec;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import dev.ccp.events.testing.SampleEvents;
import dev.ccp.projector.Progress;
import dev.ccp.projector.Projector;
import dev.ccp.projector.Settings;
import dev.ccp.projector.testing.SyntheticTraffic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The golden log: documents as the proxy and {@code cc db import} wrote them, one per line of
 * {@code golden/events.jsonl}, and what the projector made of them ({@code usage.jsonl},
 * {@code METRICS.json}, {@code partials.txt}, {@code sqlite.dump}) committed beside it. A refactor
 * of the projector or the read model must reproduce the committed outputs exactly.
 *
 * <p>Queue indexes carry the day the log was written (Chronicle's cycle), so the dump writes each
 * index as {@code @N}, its position in the log; everything else is written as stored.
 *
 * <p>{@code main(dir)} writes the fixture and its expected outputs into {@code dir}: run it only to
 * change the fixture on purpose, never to make a failing comparison pass.
 */
public final class GoldenLog {
    static final Settings SETTINGS = Settings.DEFAULTS.withRollupInterval(Duration.ZERO).withBatchSize(64);
    private static final Pattern LONG_NUMBER = Pattern.compile("\\b\\d{12,}\\b");

    private GoldenLog() {
    }

    /** The fixture's documents: one of each event type, then a few days of traffic with restarts, reroutes, partials, imports and unreadable documents. */
    static List<byte[]> documents() {
        List<byte[]> docs = new ArrayList<>();
        long t0 = SyntheticTraffic.T0_US;
        for (Event e : SampleEvents.oneOfEach(t0 - 2 * 86_400_000_000L)) {
            docs.add(EventCodec.encode(e));
        }
        new SyntheticTraffic(11, 300_000_000L, 60, 50, "g").generate(160, item -> {
            switch (item) {
                case SyntheticTraffic.Ev e -> docs.add(EventCodec.encode(e.event()));
                case SyntheticTraffic.Raw r -> docs.add(r.json());
            }
        });
        return docs;
    }

    static List<byte[]> read(Path eventsJsonl) throws IOException {
        List<byte[]> docs = new ArrayList<>();
        for (String line : Files.readAllLines(eventsJsonl, StandardCharsets.UTF_8)) {
            docs.add(line.getBytes(StandardCharsets.UTF_8));
        }
        return docs;
    }

    /** Appends the documents to a new log under {@code paths} and runs the projector in batches of {@code step} documents (0 = once at the end). */
    static void project(CcpPaths paths, List<byte[]> docs, int step) {
        try (EventLog log = EventLog.open(paths.queueDir())) {
            int n = 0;
            for (byte[] d : docs) {
                log.appendEncoded(d);
                if (step > 0 && ++n % step == 0) {
                    Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
                }
            }
        }
        Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
    }

    /** The outputs of the projections under {@code paths}, file name to text. */
    static Map<String, String> outputs(CcpPaths paths) throws IOException {
        Map<Long, Integer> positions = positions(paths);
        Map<String, String> out = new TreeMap<>();
        out.put("usage.jsonl", Files.readString(paths.usageJsonl()));
        out.put("METRICS.json", Files.readString(paths.metricsJson()));
        StringBuilder partials = new StringBuilder();
        try (Stream<Path> files = Files.list(paths.partialsDir())) {
            for (Path f : files.sorted().toList()) {
                partials.append("== ").append(f.getFileName()).append('\n').append(Files.readString(f)).append('\n');
            }
        }
        out.put("partials.txt", partials.toString());
        out.put("sqlite.dump", positional(dump(paths.dbPath()), positions));
        return out;
    }

    /** Schema (every table and index as SQLite keeps its text) and every row of every table, rows sorted. */
    static String dump(Path db) {
        StringBuilder sb = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
                while (rs.next()) {
                    sb.append("-- ").append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n')
                            .append(rs.getString(3)).append(";\n");
                    if (rs.getString(1).equals("table")) {
                        tables.add(rs.getString(2));
                    }
                }
            }
            for (String t : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + t)) {
                    int n = rs.getMetaData().getColumnCount();
                    StringBuilder header = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        header.append(i > 1 ? "|" : "").append(rs.getMetaData().getColumnName(i));
                    }
                    sb.append("\n== ").append(t).append(" (").append(header).append(")\n");
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            row.append(i > 1 ? "|" : "").append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v));
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                rows.forEach(r -> sb.append(r).append('\n'));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }

    private static Map<Long, Integer> positions(CcpPaths paths) {
        Map<Long, Integer> positions = new HashMap<>();
        try (EventLog log = EventLog.open(paths.queueDir()); EventTailer t = log.fromStart()) {
            int n = 0;
            for (LogEntry e = t.next(); e != null; e = t.next()) {
                positions.put(e.index(), n++);
            }
        }
        return positions;
    }

    private static String positional(String text, Map<Long, Integer> positions) {
        Matcher m = LONG_NUMBER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Integer at = positions.get(Long.parseLong(m.group()));
            m.appendReplacement(sb, at == null ? m.group() : "@" + at);
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Writes {@code events.jsonl} and the expected outputs into {@code args[0]} (the golden resource folder). */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        Files.createDirectories(target);
        List<byte[]> docs = documents();
        StringBuilder lines = new StringBuilder();
        for (byte[] d : docs) {
            String s = new String(d, StandardCharsets.UTF_8);
            if (s.contains("\n")) {
                throw new IllegalStateException("a document spans lines: " + s);
            }
            lines.append(s).append('\n');
        }
        Files.writeString(target.resolve("events.jsonl"), lines);
        Path work = Files.createTempDirectory("golden");
        CcpPaths paths = CcpPaths.under(work);
        project(paths, read(target.resolve("events.jsonl")), 0);
        for (var e : outputs(paths).entrySet()) {
            Files.writeString(target.resolve(e.getKey()), e.getValue());
        }
    }
}
