package dev.ccp.proxy.readiness;

import dev.ccp.events.EventLog;
import dev.ccp.readmodel.Reads;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far each projection is behind the log: the number of log entries after its checkpoint
 * ({@code checkpoints.idx} in the projector's SQLite file, see docs/PROJECTIONS.md). Read
 * defensively: no database, no table or an unexpected shape gives "unknown" with the reason.
 */
final class ProjectorLag {
    /** {@code lag} is the largest of the projections' lags, null when unknown. */
    record Lag(Long lag, Map<String, Long> projections, String reason) {
    }

    private ProjectorLag() {
    }

    static Lag read(Path db, EventLog log) {
        if (db == null || !Files.isRegularFile(db)) {
            return new Lag(null, Map.of(), "no projector database at " + db);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(1_000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + db)) {
            Map<String, Long> indexes;
            try {
                indexes = Reads.checkpointIndexes(c);
            } catch (IllegalStateException e) {
                return new Lag(null, Map.of(), "no checkpoints table in " + db);
            }
            Map<String, Long> lags = new LinkedHashMap<>();
            long max = 0;
            for (var e : indexes.entrySet()) {
                long lag = log.countAfter(e.getValue());
                lags.put(e.getKey(), lag);
                max = Math.max(max, lag);
            }
            return lags.isEmpty() ? new Lag(null, lags, "no checkpoint recorded yet") : new Lag(max, lags, null);
        } catch (SQLException | RuntimeException e) {
            return new Lag(null, Map.of(), "cannot read " + db + ": " + e.getMessage());
        }
    }
}
