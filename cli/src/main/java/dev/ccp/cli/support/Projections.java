package dev.ccp.cli.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.LogEnd;
import dev.ccp.readmodel.Checkpoint;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.Database;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

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
     * {@code bin/ccp-projector --once --only …}; does nothing when there is no log yet, or when the
     * projections already stand at its end ({@link #atLogEnd}). A projector that cannot go on is one line.
     */
    public static void catchUp(CliContext ctx, Set<String> only) {
        if (!Files.isDirectory(ctx.paths().queueDir()) || atLogEnd(ctx.paths(), only)) {
            return;
        }
        try {
            ProjectorProcess.catchUp(ctx, only);
        } catch (ProjectorProcess.Failure e) {
            throw CommandFailure.of(e.getMessage());
        }
    }

    /**
     * True when a {@code --once} run over {@code only} would change nothing: each one's checkpoint stands at
     * the log's last event and the file it publishes is the one that checkpoint describes. Starting the
     * projector (a second JVM that opens the queue) costs a command two seconds, most often for nothing.
     * The log's end is read before the checkpoints: an event appended after it was read was appended after
     * the command began. Any doubt (an unknown projection, a log end that cannot be read from the queue
     * files' headers, a published file behind its checkpoint) answers false, and the projector runs.
     */
    static boolean atLogEnd(CcpPaths paths, Set<String> only) {
        if (only == null || only.isEmpty() || !Files.isRegularFile(paths.dbPath())) {
            return false;
        }
        LogEnd end = LogEnd.read(paths.queueDir());
        if (end == null || end.lastIndex() < 0) {
            return false;
        }
        Map<String, Checkpoint> checkpoints = new HashMap<>();
        try (Connection c = Database.openReadOnly(paths.dbPath())) {
            for (Checkpoint cp : CheckpointStore.all(c)) {
                checkpoints.put(cp.name(), cp);
            }
        } catch (SQLException e) {
            return false;
        }
        for (String name : only) {
            Checkpoint cp = checkpoints.get(name);
            if (cp == null || cp.index() != end.lastIndex() || !published(paths, cp)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the file a projection publishes is the one its checkpoint describes. */
    private static boolean published(CcpPaths paths, Checkpoint cp) {
        try {
            return switch (cp.name()) {
                // The projector truncates usage.jsonl to the checkpoint's length when it finds more.
                case "usage-jsonl" -> cp.fileLength() != null && Files.size(paths.usageJsonl()) == cp.fileLength();
                // METRICS.json is rewritten after the commit (paced while following): current when it counts
                // the checkpoint's events.
                case "metrics" -> {
                    JsonNode doc = Json.mapper().readTree(paths.metricsJson().toFile());
                    yield doc != null && doc.path("events").asLong(-1) == cp.events();
                }
                default -> false;
            };
        } catch (IOException e) {
            return false;
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
