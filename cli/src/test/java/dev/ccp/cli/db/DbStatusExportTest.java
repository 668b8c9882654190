package dev.ccp.cli.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.EventFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbStatusExportTest {
    @TempDir
    Path root;

    private CcRunner projected() {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
        new EventFixture(cc.paths(), Instant.parse("2026-11-24T09:00:00Z"))
                .haikuOnZai().sonnetOnAnthropic()
                .request("claude-sonnet-4-5", "anthropic", "default_route", "passthrough", 529, 0, 0)
                .project();
        return cc;
    }

    @Test
    void statusSummarisesSamplesRollupsSizeAndEveryCheckpointWithItsLag() throws Exception {
        CcRunner cc = projected();
        new dev.ccp.cli.EventFixture(cc.paths(), Instant.parse("2026-11-24T09:30:00Z")).haikuOnZai().write();

        CcRunner.Result r = cc.run("db", "status", "--json");

        assertEquals(0, r.exit(), r.toString());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(3, doc.get("samples").asLong());
        assertEquals("2026-11-24T09:00:01.250Z", doc.get("min_ts").asText());
        assertEquals("2026-11-24T09:00:03.250Z", doc.get("max_ts").asText());
        assertEquals(2, doc.at("/rollup_rows/hour").asLong());
        assertEquals(2, doc.at("/rollup_rows/day").asLong());
        assertEquals(Files.size(cc.paths().dbPath()), doc.get("file_bytes").asLong());
        for (String p : List.of("usage-jsonl", "sqlite", "metrics", "partials")) {
            assertEquals(12, doc.at("/checkpoints/" + p + "/events").asLong(), p);
            assertEquals(4, doc.at("/checkpoints/" + p + "/lag").asLong(), p + " lags the 4 events written after it");
        }
        assertEquals(4, doc.get("lag").asLong());

        CcRunner.Result pretty = cc.run("db", "status");
        assertEquals(doc, new ObjectMapper().readTree(pretty.out()));
        assertTrue(pretty.out().lines().count() > 10, "pretty-printed for people");
    }

    @Test
    void exportWritesEverySampleAsCsvWithAHeader() throws Exception {
        CcRunner cc = projected();
        Path csv = Files.createDirectories(root.resolve("out")).resolve("samples.csv");

        CcRunner.Result r = cc.run("db", "export", "--csv", csv.toString());

        assertEquals(0, r.exit(), r.toString());
        assertEquals("exported 3 sample(s) to " + csv + "\n", r.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).startsWith("ts,idx,seq,ts_us,req_id,model,upstream_model,lane,provider,decision,op,status,"), lines.get(0));
        assertTrue(lines.get(1).startsWith("2026-11-24T09:00:01.250Z,"), lines.get(1));
        assertTrue(lines.get(1).contains(",req_fx_1,claude-3-5-haiku-20241022,claude-3-5-haiku-20241022,zai,zai,model_route,stream,200,x-api-key,h1,250.0,40.0,100,50,0,5,end_turn,ok,1,px_fixture"), lines.get(1));
        assertTrue(lines.get(3).contains(",529,") && lines.get(3).contains(",upstream_error,"), lines.get(3));

        CcRunner.Result toStdout = cc.run("db", "export", "--csv", "-");
        assertEquals(String.join("\r\n", lines) + "\r\n", toStdout.out());
    }

    @Test
    void exportRefusesAMissingFolderAndCreatesNothing() throws Exception {
        CcRunner cc = projected();
        Path csv = root.resolve("nonexistent/dir/x.csv");

        CcRunner.Result r = cc.run("db", "export", "--csv", csv.toString());

        assertEquals(2, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals("cc db export: cannot write " + csv + ": folder " + csv.getParent() + " does not exist\n", r.err());
        assertFalse(Files.exists(root.resolve("nonexistent")));
    }

    @Test
    void exportToAnUnwritableFolderSaysSoInOneLine() throws Exception {
        CcRunner cc = projected();
        Path locked = Files.createDirectories(root.resolve("locked"));
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(locked), "running as root: every folder is writable");
        Path csv = locked.resolve("x.csv");

        CcRunner.Result r = cc.run("db", "export", "--csv", csv.toString());

        assertEquals(2, r.exit(), r.toString());
        assertEquals("cc db export: cannot write " + csv + ": permission denied\n", r.err());
    }

    @Test
    void exportToAFolderThatRefusesFilesSaysSoInOneLineWithoutAnExceptionName() throws Exception {
        CcRunner cc = projected();
        Path csv = Path.of("/proc/ccp-export-test.csv");

        CcRunner.Result r = cc.run("db", "export", "--csv", csv.toString());

        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("cc db export: cannot write " + csv + ": "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void exportQuotesFieldsThatNeedIt() {
        assertEquals("plain", DbExportCommand.quote("plain"));
        assertEquals("\"a,b\"", DbExportCommand.quote("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", DbExportCommand.quote("say \"hi\""));
    }
}
