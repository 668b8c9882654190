package dev.ccp.projector.testing;

import dev.ccp.events.CcpPaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Everything the projections produced, as text, to compare two builds exactly. */
public record ProjectionSnapshot(String usageJsonl, String metricsJson, Map<String, String> partials,
                                 Map<String, List<String>> tables) {

    public static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("samples", "idx, seq");
        TABLES.put("rollup_hour", "bucket_start, model, lane");
        TABLES.put("rollup_day", "bucket_start, model, lane");
        TABLES.put("quota_usage", "minute_start, lane, model");
        TABLES.put("quota_limits", "idx");
        TABLES.put("quota_speed", "minute_start, lane, model");
        TABLES.put("partial_files", "req_id");
        TABLES.put("checkpoints", "name");
    }

    public static ProjectionSnapshot of(CcpPaths paths) {
        try {
            String usage = Files.exists(paths.usageJsonl()) ? Files.readString(paths.usageJsonl()) : null;
            String metrics = Files.exists(paths.metricsJson()) ? Files.readString(paths.metricsJson()) : null;
            Map<String, String> partials = new TreeMap<>();
            if (Files.isDirectory(paths.partialsDir())) {
                try (Stream<Path> files = Files.list(paths.partialsDir())) {
                    for (Path f : files.toList()) {
                        partials.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
                    }
                }
            }
            return new ProjectionSnapshot(usage, metrics, partials, tables(paths.dbPath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, List<String>> tables(Path db) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (var t : TABLES.entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + t.getKey() + " ORDER BY " + t.getValue())) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            sb.append(i > 1 ? "|" : "").append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v));
                        }
                        rows.add(sb.toString());
                    }
                }
                out.put(t.getKey(), rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    public List<String> usageLines() {
        return usageJsonl == null || usageJsonl.isEmpty() ? List.of() : List.of(usageJsonl.split("\n"));
    }
}
