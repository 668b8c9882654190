package dev.ccp.cli.partials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartialsCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(NOW));
    }

    private Path partial(CcRunner cc, String reqId, int bytes, Duration age) throws Exception {
        Files.createDirectories(cc.paths().partialsDir());
        Path p = cc.paths().partialsDir().resolve(reqId + ".partial");
        Files.write(p, new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(NOW.minus(age)));
        return p;
    }

    @Test
    void listsPartialsOldestFirstWithSizeAndAge() throws Exception {
        CcRunner cc = cc();
        partial(cc, "req_new", 100, Duration.ofSeconds(42));
        partial(cc, "req_old", 3 * 1024, Duration.ofHours(2).plusMinutes(5));
        Files.writeString(cc.paths().partialsDir().resolve("notes.txt"), "not a partial");

        CcRunner.Result r = cc.run("partials");

        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of(
                "NAME" + " ".repeat(16) + "SIZE    AGE  MODIFIED",
                "req_old.partial  3.0 KiB  2h05m  2026-11-24T09:55:00Z",
                "req_new.partial    100 B    42s  2026-11-24T11:59:18Z",
                "2 partial file(s), 3.1 KiB in " + cc.paths().partialsDir()), r.out().lines().toList());
    }

    @Test
    void jsonListsEachPartialWithItsRequestId() throws Exception {
        CcRunner cc = cc();
        partial(cc, "req_a", 10, Duration.ofMinutes(3));

        JsonNode doc = new ObjectMapper().readTree(cc.run("partials", "--json").out());

        assertEquals(1, doc.get("count").asInt());
        assertEquals(10, doc.get("total_bytes").asLong());
        JsonNode item = doc.get("partials").get(0);
        assertEquals("req_a", item.get("req_id").asText());
        assertEquals(180, item.get("age_s").asLong());
        assertEquals("2026-11-24T11:57:00Z", item.get("modified").asText());
    }

    @Test
    void saysSoWhenThereAreNone() {
        CcRunner.Result r = cc().run("partials");
        assertEquals(0, r.exit());
        assertEquals("no partials under " + cc().paths().partialsDir() + "\n", r.out());
    }

    @Test
    void cleanRemovesThePartialsOnly() throws Exception {
        CcRunner cc = cc();
        Path a = partial(cc, "req_a", 1024, Duration.ofMinutes(1));
        Path b = partial(cc, "req_b", 1024, Duration.ofDays(3));
        Path other = cc.paths().partialsDir().resolve("keep.txt");
        Files.writeString(other, "x");

        CcRunner.Result r = cc.run("partials", "clean");

        assertEquals(0, r.exit(), r.toString());
        assertEquals("removed 2 partial file(s), 2.0 KiB freed (" + cc.paths().partialsDir() + ")\n", r.out());
        assertFalse(Files.exists(a));
        assertFalse(Files.exists(b));
        assertTrue(Files.exists(other));
        assertEquals("no partials under " + cc.paths().partialsDir() + "\n", cc.run("partials").out());
    }

    @Test
    void cleanOlderThanKeepsTheRecentOnes() throws Exception {
        CcRunner cc = cc();
        Path recent = partial(cc, "req_recent", 5, Duration.ofMinutes(10));
        Path old = partial(cc, "req_old", 7, Duration.ofHours(3));

        CcRunner.Result r = cc.run("partials", "clean", "--older-than", "1h", "--json");

        assertEquals(0, r.exit(), r.toString());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(1, doc.get("removed").asInt());
        assertEquals(7, doc.get("freed_bytes").asLong());
        assertEquals(1, doc.get("kept").asInt());
        assertTrue(Files.exists(recent));
        assertFalse(Files.exists(old));
    }

    @Test
    void badDurationIsAUsageError() {
        CcRunner.Result r = cc().run("partials", "clean", "--older-than", "soon");
        assertEquals(2, r.exit());
        assertEquals(List.of("cc partials clean: --older-than: not a duration: 'soon' (examples: 45s, 1m30s, 500ms)"),
                r.errLines());
    }
}
