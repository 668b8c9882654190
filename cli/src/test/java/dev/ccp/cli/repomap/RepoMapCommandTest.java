package dev.ccp.cli.repomap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepoMapCommandTest {
    @TempDir
    Path root;

    @Test
    void manifestListsEverySourceFileWithSizeLinesAndHashButNoBuildOutputOrLogs() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
        Files.createDirectories(root.resolve("proxy/src/main/java/dev/ccp/proxy"));
        Files.writeString(root.resolve("proxy/src/main/java/dev/ccp/proxy/Main.java"), "class Main {\n}\n");
        Files.writeString(root.resolve("README.md"), "abc");
        Files.createDirectories(root.resolve("proxy/target"));
        Files.writeString(root.resolve("proxy/target/x.class"), "x");
        Files.createDirectories(root.resolve("logs"));
        Files.writeString(root.resolve("logs/usage.jsonl"), "{}\n");

        CcRunner.Result r = cc.run("repo-map");

        assertEquals(0, r.exit(), r.toString());
        JsonNode doc = new ObjectMapper().readTree(root.resolve("results/repo-map.json").toFile());
        assertEquals(2, doc.get("files").asInt());
        assertEquals("README.md", doc.at("/entries/0/path").asText());
        assertEquals(1, doc.at("/entries/0/lines").asInt());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", doc.at("/entries/0/sha256").asText());
        assertEquals("proxy/src/main/java/dev/ccp/proxy/Main.java", doc.at("/entries/1/path").asText());
        assertEquals(2, doc.at("/entries/1/lines").asInt());

        CcRunner.Result md = cc.run("repo-map", "--md", "--json");
        assertEquals(0, md.exit(), md.toString());
        String text = Files.readString(root.resolve("results/REPO-MAP.md"));
        assertTrue(text.startsWith("# Repository map"), text);
        assertTrue(text.contains("| `proxy/` | 1 | 2 |"), text);
        assertTrue(text.contains("| `proxy: dev.ccp.proxy` | 1 | 2 |"), text);
    }
}
