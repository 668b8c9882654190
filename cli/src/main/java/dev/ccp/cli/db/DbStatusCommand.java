package dev.ccp.cli.db;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Projections;
import dev.ccp.events.Clocks;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.ProjectionStatus;
import dev.ccp.readmodel.ReadModelException;
import dev.ccp.readmodel.Reads;
import dev.ccp.readmodel.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cc db status}: the guide's JSON summary of the SQLite projection and each projection's checkpoint. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"JSON summary of the SQLite projection and of each projection's checkpoint and lag.",
                "Sample count, min/max ts, rollup rows, file size, and each checkpoint with its lag (log entries",
                "not applied yet). Pretty-printed; --json prints it on one line."})
public final class DbStatusCommand extends CcSubcommand {
    @Mixin
    JsonOption json;

    public DbStatusCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        Path db = Projections.require(ctx.paths().dbPath());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("db", db.toString());
        doc.put("file_bytes", Files.size(db));
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        doc.put("wal_bytes", Files.exists(wal) ? Files.size(wal) : 0L);
        try (Connection c = Projections.openDbReadOnly(ctx.paths())) {
            long samples = Reads.count(c, Tables.SAMPLES);
            doc.put("samples", samples);
            long[] range = Reads.sampleTimeRange(c);
            doc.put("min_ts", samples == 0 ? null : Clocks.instant(range[0]).toString());
            doc.put("max_ts", samples == 0 ? null : Clocks.instant(range[1]).toString());
            Map<String, Object> rollups = new LinkedHashMap<>();
            rollups.put("hour", Reads.count(c, Tables.ROLLUP_HOUR));
            rollups.put("day", Reads.count(c, Tables.ROLLUP_DAY));
            doc.put("rollup_rows", rollups);
            doc.put("quota_usage_rows", Reads.count(c, Tables.QUOTA_USAGE));
        } catch (SQLException e) {
            if (Reads.noTable(e)) {
                throw Projections.noneYet(ctx.paths().logDir());
            }
            throw CommandFailure.of("cannot read " + db + ": " + e.getMessage());
        }
        List<ProjectionStatus> statuses;
        try {
            statuses = CheckpointStore.status(ctx.paths());
        } catch (ReadModelException e) {
            throw CommandFailure.of(e.getMessage());
        }
        Map<String, Object> checkpoints = new LinkedHashMap<>();
        long maxLag = 0;
        for (ProjectionStatus s : statuses) {
            Map<String, Object> cp = new LinkedHashMap<>();
            cp.put("index", s.index());
            cp.put("events", s.events());
            cp.put("unreadable", s.unreadable());
            cp.put("last_ts", s.lastTsUs() == null ? null : Clocks.instant(s.lastTsUs()).toString());
            cp.put("lag", s.lag());
            checkpoints.put(s.name(), cp);
            maxLag = Math.max(maxLag, s.lag());
        }
        doc.put("checkpoints", checkpoints);
        doc.put("lag", maxLag);
        doc.put("queue", ctx.paths().queueDir().toString());
        if (json.on()) {
            Json.print(out(), doc);
        } else {
            out().println(Json.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        }
        return ExitCodes.OK;
    }
}
