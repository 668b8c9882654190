package dev.ccp.readmodel;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.EventLog;
import dev.ccp.events.LogEnd;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The {@code checkpoints} table. Callers write checkpoints inside the transaction that writes the output. */
public final class CheckpointStore {
    public static final String DDL = """
            CREATE TABLE IF NOT EXISTS checkpoints (
              name        TEXT PRIMARY KEY,
              idx         INTEGER NOT NULL,
              events      INTEGER NOT NULL,
              unreadable  INTEGER NOT NULL,
              last_ts_us  INTEGER,
              file_length INTEGER,
              join_state  TEXT NOT NULL,
              state       TEXT
            )""";

    private CheckpointStore() {
    }

    public static Optional<Checkpoint> load(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, idx, events, unreadable, last_ts_us, file_length, join_state, state FROM checkpoints WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    public static List<Checkpoint> all(Connection c) throws SQLException {
        List<Checkpoint> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, idx, events, unreadable, last_ts_us, file_length, join_state, state FROM checkpoints ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    public static void save(Connection c, Checkpoint cp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT OR REPLACE INTO checkpoints (name, idx, events, unreadable, last_ts_us, file_length, join_state, state)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, cp.name());
            ps.setLong(2, cp.index());
            ps.setLong(3, cp.events());
            ps.setLong(4, cp.unreadable());
            setLong(ps, 5, cp.lastTsUs());
            setLong(ps, 6, cp.fileLength());
            ps.setString(7, cp.joinState() == null ? "" : cp.joinState());
            ps.setString(8, cp.state());
            ps.executeUpdate();
        }
    }

    public static void delete(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoints WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }

    private static Checkpoint read(ResultSet rs) throws SQLException {
        long lastTs = rs.getLong(5);
        Long lastTsUs = rs.wasNull() ? null : lastTs;
        long len = rs.getLong(6);
        Long fileLength = rs.wasNull() ? null : len;
        return new Checkpoint(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), lastTsUs, fileLength,
                rs.getString(7), rs.getString(8));
    }

    /** The checkpoints saved in the database, with each one's lag behind the log; empty when there is no database. */
    public static List<ProjectionStatus> status(CcpPaths paths) {
        if (!Files.exists(paths.dbPath())) {
            return List.of();
        }
        List<Checkpoint> cps;
        try (Connection db = Database.openReadOnly(paths.dbPath())) {
            cps = CheckpointStore.all(db);
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return List.of();
            }
            throw new ReadModelException("cannot read the checkpoints in " + paths.dbPath() + ": " + e.getMessage(), e);
        }
        List<ProjectionStatus> out = new ArrayList<>();
        boolean hasLog = Files.isDirectory(paths.queueDir());
        // The lag from the queue files' headers when they answer: opening the queue costs a command most of its time.
        LogEnd end = hasLog ? LogEnd.read(paths.queueDir()) : null;
        if (end != null) {
            for (Checkpoint cp : cps) {
                OptionalLong lag = end.countAfter(cp.index());
                if (lag.isEmpty()) {
                    out.clear();
                    break;
                }
                out.add(new ProjectionStatus(cp.name(), cp.index(), cp.events(), cp.unreadable(), cp.lastTsUs(), lag.getAsLong()));
            }
            if (out.size() == cps.size()) {
                return out;
            }
        }
        try (EventLog log = hasLog ? EventLog.open(paths.queueDir()) : null) {
            for (Checkpoint cp : cps) {
                long lag = log == null ? 0 : log.countAfter(cp.index());
                out.add(new ProjectionStatus(cp.name(), cp.index(), cp.events(), cp.unreadable(), cp.lastTsUs(), lag));
            }
        }
        return out;
    }
}
