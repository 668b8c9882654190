package dev.ccp.proxy.ratelimit;

import dev.ccp.readmodel.ProviderWindowsTable;
import dev.ccp.readmodel.ProviderWindowsTable.Standing;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The providers' own windows as the projection {@code provider_windows} keeps them (the latest
 * rate-limit standing per provider and credential), read from the read model at most once per
 * {@code every} by the injected clock, so the routing check and {@code /v1/quotas} cost no I/O per request.
 * No database yet reads as no standing.
 */
public final class ProviderWindows {
    private static final Logger LOG = Logger.getLogger(ProviderWindows.class.getName());

    private final Path db;
    private final InstantSource clock;
    private final Duration every;
    private volatile List<Standing> standings = List.of();
    private volatile Instant readAt = Instant.MIN;

    public ProviderWindows(Path db, InstantSource clock, Duration every) {
        this.db = db;
        this.clock = clock;
        this.every = every;
    }

    /** Newest first. */
    public List<Standing> standings() {
        Instant now = clock.instant();
        if (!now.isBefore(readAt.plus(every))) {
            synchronized (this) {
                if (!now.isBefore(readAt.plus(every))) {
                    standings = read();
                    readAt = now;
                }
            }
        }
        return standings;
    }

    /** The provider's most recently reported standing, whichever credential it was. */
    public Optional<Standing> latest(String provider) {
        for (Standing s : standings()) {
            if (s.provider().equals(provider)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Instant now() {
        return clock.instant();
    }

    private List<Standing> read() {
        if (!Files.exists(db)) {
            return List.of();
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(1_000);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        try (Connection c = config.createConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
            return ProviderWindowsTable.all(c);
        } catch (SQLException e) {
            LOG.log(Level.FINE, "cannot read provider_windows from " + db + ": " + e.getMessage());
            return standings;
        }
    }
}
