package dev.ccp.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The {@code source_positions} table: for a projection built from a team topic, the topic it reads and
 * the next offset of each partition at its checkpoint, written in the checkpoint's transaction.
 */
public final class SourcePositionStore {
    public static final String DDL = """
            CREATE TABLE IF NOT EXISTS source_positions (
              name     TEXT PRIMARY KEY,
              source   TEXT NOT NULL,
              position TEXT NOT NULL
            )""";

    /** Where a projection stands in its source. */
    public record SourcePosition(String source, String position) {
    }

    private SourcePositionStore() {
    }

    public static Optional<SourcePosition> load(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT source, position FROM source_positions WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new SourcePosition(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    public static void save(Connection c, String name, SourcePosition at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT OR REPLACE INTO source_positions (name, source, position) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, at.source());
            ps.setString(3, at.position());
            ps.executeUpdate();
        }
    }

    public static void delete(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM source_positions WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }
}
