package dev.ccp.cli.support;

import dev.ccp.cli.CliContext;
import dev.ccp.events.CcpPaths;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Access to what the projector builds, for the commands that read it. When a projection does not
 * exist yet, the command stops with the one line the operator needs rather than an empty answer.
 */
public final class Projections {
    private Projections() {
    }

    /** The projection file, or a {@link CommandFailure} saying none exists yet under its folder. */
    public static Path require(Path projection) {
        if (!Files.isRegularFile(projection)) {
            throw noneYet(projection.getParent());
        }
        return projection;
    }

    /** The one line for "nothing projected yet under {@code dir}". */
    public static CommandFailure noneYet(Path dir) {
        return CommandFailure.of("no projections yet under " + dir + ": start the projector (bin/ccp-projector, or make run)");
    }

    /**
     * Brings the named projections up to the end of the event log by running
     * {@code bin/ccp-projector --once --only …}; does nothing when there is no log yet. A projector
     * that cannot go on is one line.
     */
    public static void catchUp(CliContext ctx, java.util.Set<String> only) {
        if (!Files.isDirectory(ctx.paths().queueDir())) {
            return;
        }
        try {
            ProjectorProcess.catchUp(ctx, only);
        } catch (ProjectorProcess.Failure e) {
            throw CommandFailure.of(e.getMessage());
        }
    }

    /**
     * The SQLite projection opened read-only: a command never changes a projection, and a read-only
     * connection cannot take the projector's write lock.
     */
    public static Connection openDbReadOnly(CcpPaths paths) {
        Path db = require(paths.dbPath());
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        try {
            return config.createConnection("jdbc:sqlite:" + db);
        } catch (SQLException e) {
            throw CommandFailure.of("cannot open " + db + ": " + e.getMessage());
        }
    }
}
