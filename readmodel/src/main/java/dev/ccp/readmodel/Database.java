package dev.ccp.readmodel;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The projection database ({@code logs/ccp.sqlite3}, {@code CCP_DB_PATH}) in WAL mode, so readers
 * (the CLI, the proxy's read endpoints) never block the projector and the projector never blocks them.
 */
public final class Database {
    public static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE IF NOT EXISTS samples (
              idx                         INTEGER NOT NULL,
              seq                         INTEGER NOT NULL,
              ts_us                       INTEGER NOT NULL,
              req_id                      TEXT,
              model                       TEXT,
              upstream_model              TEXT,
              lane                        TEXT,
              provider                    TEXT,
              decision                    TEXT,
              op                          TEXT,
              status                      INTEGER NOT NULL,
              header_mode                 TEXT,
              http                        TEXT,
              latency_ms                  REAL NOT NULL,
              ttfb_ms                     REAL,
              input_tokens                INTEGER NOT NULL,
              output_tokens               INTEGER NOT NULL,
              cache_creation_input_tokens INTEGER NOT NULL,
              cache_read_input_tokens     INTEGER NOT NULL,
              stop_reason                 TEXT,
              outcome                     TEXT,
              attempts                    INTEGER NOT NULL,
              instance                    TEXT,
              session_id                  TEXT,
              project                     TEXT,
              cost_pusd                   INTEGER,
              list_cost_pusd              INTEGER,
              first_idx                   INTEGER,
              member                      TEXT,
              cache_creation_1h_input_tokens INTEGER,
              PRIMARY KEY (idx, seq)
            ) WITHOUT ROWID""",
            "CREATE INDEX IF NOT EXISTS samples_ts ON samples (ts_us)",
            rollupTable("rollup_hour"),
            rollupTable("rollup_day"),
            """
            CREATE TABLE IF NOT EXISTS quota_usage (
              minute_start                INTEGER NOT NULL,
              lane                        TEXT NOT NULL,
              model                       TEXT NOT NULL,
              requests                    INTEGER NOT NULL,
              input_tokens                INTEGER NOT NULL,
              output_tokens               INTEGER NOT NULL,
              cache_creation_input_tokens INTEGER NOT NULL,
              cache_read_input_tokens     INTEGER NOT NULL,
              limited                     INTEGER NOT NULL,
              PRIMARY KEY (minute_start, lane, model)
            ) WITHOUT ROWID""",
            "CREATE INDEX IF NOT EXISTS quota_usage_lane_model ON quota_usage (lane, model, minute_start)",
            """
            CREATE TABLE IF NOT EXISTS partial_files (
              req_id TEXT PRIMARY KEY,
              bytes  INTEGER NOT NULL
            )""",
            CheckpointStore.DDL,
            // quota_limits and quota_speed: the quota read side beyond quota_usage (calibration, speed, peak hour).
            """
            CREATE TABLE IF NOT EXISTS quota_limits (
              idx    INTEGER PRIMARY KEY,
              ts_us  INTEGER NOT NULL,
              lane   TEXT NOT NULL,
              model  TEXT NOT NULL,
              status INTEGER NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS quota_limits_ts ON quota_limits (ts_us)",
            """
            CREATE TABLE IF NOT EXISTS quota_speed (
              minute_start  INTEGER NOT NULL,
              lane          TEXT NOT NULL,
              model         TEXT NOT NULL,
              streams       INTEGER NOT NULL,
              output_tokens INTEGER NOT NULL,
              stream_us     INTEGER NOT NULL,
              wall_us       INTEGER NOT NULL,
              PRIMARY KEY (minute_start, lane, model)
            ) WITHOUT ROWID""",
            CostTable.DDL,
            ProviderWindowsTable.DDL,
            // Team projections: the topic offsets saved with each checkpoint.
            SourcePositionStore.DDL);

    private Database() {
    }

    /**
     * A rollup table. The money columns (pico-dollars and request counts, as in {@link CostTable}) are
     * nullable: a row folded by a build that had no such columns ({@link Migrations} adds them) holds NULL
     * until a {@code --rebuild}, and its requests read as unpriced.
     */
    private static String rollupTable(String name) {
        return """
                CREATE TABLE IF NOT EXISTS %s (
                  bucket_start                INTEGER NOT NULL,
                  model                       TEXT NOT NULL,
                  lane                        TEXT NOT NULL,
                  count                       INTEGER NOT NULL,
                  errors                      INTEGER NOT NULL,
                  input_tokens                INTEGER NOT NULL,
                  output_tokens               INTEGER NOT NULL,
                  cache_creation_input_tokens INTEGER NOT NULL,
                  cache_read_input_tokens     INTEGER NOT NULL,
                  latency_p50_ms              REAL,
                  latency_p95_ms              REAL,
                  latency_sketch              BLOB NOT NULL,
                  unpriced                    INTEGER,
                  list_unpriced               INTEGER,
                  offloaded                   INTEGER,
                  cost_pusd                   INTEGER,
                  list_cost_pusd              INTEGER,
                  saved_pusd                  INTEGER,
                  PRIMARY KEY (bucket_start, model, lane)
                ) WITHOUT ROWID""".formatted(name);
    }

    /** Opens (creating the file and schema if needed) for writing. */
    public static Connection open(Path path) throws SQLException {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + path, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setCacheSize(-32_000);
        Connection c = config.createConnection("jdbc:sqlite:" + path.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
            Migrations.apply(c);
        }
        c.setAutoCommit(false);
        c.commit();
        return c;
    }

    /** Opens read-only (no schema change); the file must exist. */
    public static Connection openReadOnly(Path path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        config.setOpenMode(org.sqlite.SQLiteOpenMode.READONLY);
        return config.createConnection("jdbc:sqlite:" + path.toAbsolutePath());
    }

    /** Size of the database with its write-ahead log. */
    public static long sizeBytes(Path path) {
        long size = 0;
        for (String suffix : new String[] {"", "-wal"}) {
            try {
                Path p = Path.of(path + suffix);
                if (Files.exists(p)) {
                    size += Files.size(p);
                }
            } catch (IOException ignored) {
                // Gone between the check and the size: counts as 0.
            }
        }
        return size;
    }
}
