package dev.ccp.cli.db;

import java.sql.PreparedStatement;
import dev.ccp.readmodel.Reads;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Projections;
import dev.ccp.events.Clocks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code cc db export --csv FILE}: the samples table as CSV (RFC 4180), oldest first. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the samples of the SQLite projection to a CSV file.",
                "Header row, RFC 4180 quoting, oldest first; a 'ts' column in ISO-8601 comes before ts_us.",
                "'-' writes to stdout. Samples older than CCP_SAMPLE_TTL_DAYS were pruned by the projector",
                "(their rollups remain)."})
public final class DbExportCommand extends CcSubcommand {
    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "Where to write the CSV ('-' = stdout).")
    String csv;

    @Mixin
    JsonOption json;

    public DbExportCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        boolean toStdout = csv.equals("-");
        if (toStdout && json.on()) {
            throw CommandFailure.of("--json and --csv - both want stdout: give --csv a file");
        }
        long rows;
        Path target = toStdout ? null : Path.of(csv).toAbsolutePath().normalize();
        try (Connection c = Projections.openDbReadOnly(ctx.paths()); PreparedStatement ps = Reads.exportSamples(c);
             ResultSet rs = ps.executeQuery()) {
            if (toStdout) {
                rows = write(rs, out());
                out().flush();
            } else {
                // A typo in the folder must not leave a new tree behind: the folder has to exist already.
                if (!Files.isDirectory(target.getParent())) {
                    throw CommandFailure.of("cannot write " + target + ": folder " + target.getParent() + " does not exist");
                }
                if (Files.isDirectory(target)) {
                    throw CommandFailure.of("cannot write " + target + ": it is a folder");
                }
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                try {
                    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                        rows = write(rs, w);
                    }
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    Files.deleteIfExists(tmp);
                    throw CommandFailure.of("cannot write " + target + ": " + ioReason(e));
                }
            }
        } catch (SQLException e) {
            if (Reads.noTable(e)) {
                throw Projections.noneYet(ctx.paths().logDir());
            }
            throw CommandFailure.of("cannot read " + ctx.paths().dbPath() + ": " + e.getMessage());
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", target.toString());
            doc.put("rows", rows);
            Json.print(out(), doc);
        } else if (!toStdout) {
            out().println("exported " + rows + " sample(s) to " + target);
        }
        return ExitCodes.OK;
    }

    private static String ioReason(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.NoSuchFileException n -> "no such file or folder";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    private static long write(ResultSet rs, Writer w) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        StringBuilder head = new StringBuilder("ts");
        for (int i = 1; i <= n; i++) {
            head.append(',').append(md.getColumnLabel(i));
        }
        w.write(head.append("\r\n").toString());
        long rows = 0;
        while (rs.next()) {
            StringBuilder line = new StringBuilder(Clocks.instant(rs.getLong("ts_us")).toString());
            for (int i = 1; i <= n; i++) {
                Object v = rs.getObject(i);
                line.append(',');
                if (v != null) {
                    line.append(quote(v.toString()));
                }
            }
            w.write(line.append("\r\n").toString());
            rows++;
        }
        return rows;
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
