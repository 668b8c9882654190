package dev.ccp.readmodel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Brings a database made by an older build to the current schema, in place: columns added since are
 * added (NULL in the rows already there, until a {@code --rebuild} fills them). {@code CREATE TABLE IF
 * NOT EXISTS} creates new tables; this adds what it cannot, columns to tables that exist.
 */
public final class Migrations {
    /** A column added after its table: table, column, its type. */
    private record Added(String table, String column, String type) {
    }

    private static final List<Added> ADDED = List.of(
            new Added(Tables.SAMPLES, "session_id", "TEXT"),
            new Added(Tables.SAMPLES, "project", "TEXT"),
            new Added(Tables.SAMPLES, "cost_pusd", "INTEGER"),
            new Added(Tables.SAMPLES, "list_cost_pusd", "INTEGER"),
            new Added(Tables.SAMPLES, "first_idx", "INTEGER"),
            new Added(Tables.SAMPLES, "member", "TEXT"),
            new Added(Tables.SAMPLES, "cache_creation_1h_input_tokens", "INTEGER"),
            new Added(Tables.ROLLUP_HOUR, "unpriced", "INTEGER"),
            new Added(Tables.ROLLUP_HOUR, "list_unpriced", "INTEGER"),
            new Added(Tables.ROLLUP_HOUR, "offloaded", "INTEGER"),
            new Added(Tables.ROLLUP_HOUR, "cost_pusd", "INTEGER"),
            new Added(Tables.ROLLUP_HOUR, "list_cost_pusd", "INTEGER"),
            new Added(Tables.ROLLUP_HOUR, "saved_pusd", "INTEGER"),
            new Added(Tables.ROLLUP_DAY, "unpriced", "INTEGER"),
            new Added(Tables.ROLLUP_DAY, "list_unpriced", "INTEGER"),
            new Added(Tables.ROLLUP_DAY, "offloaded", "INTEGER"),
            new Added(Tables.ROLLUP_DAY, "cost_pusd", "INTEGER"),
            new Added(Tables.ROLLUP_DAY, "list_cost_pusd", "INTEGER"),
            new Added(Tables.ROLLUP_DAY, "saved_pusd", "INTEGER"));

    private Migrations() {
    }

    /** Adds the missing columns; call after the schema's CREATE statements, in the same transaction. */
    public static void apply(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            for (Added a : ADDED) {
                if (!columns(s, a.table()).contains(a.column())) {
                    s.execute("ALTER TABLE " + Tables.known(a.table()) + " ADD COLUMN " + a.column() + " " + a.type());
                }
            }
        }
    }

    private static Set<String> columns(Statement s, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + Tables.known(table) + ")")) {
            while (rs.next()) {
                out.add(rs.getString("name").toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
