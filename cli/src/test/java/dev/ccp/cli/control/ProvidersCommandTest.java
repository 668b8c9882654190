package dev.ccp.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
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

class ProvidersCommandTest {
    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
    }

    @Test
    void showsTheMergedCatalogWithTheSourceOfEachValueAndNeverAKey() throws Exception {
        CcRunner cc = cc().env("ZAI_API_KEY", "zai-secret-value-123").env("ZAI_HEADER_MODE", "authorization");
        Path project = cc.paths().configsDir().resolve("providers.yaml");
        Files.createDirectories(project.getParent());
        Files.writeString(project, """
                providers:
                  other:
                    base_url: https://llm.example.com/anthropic
                    auth_env: OTHER_API_KEY
                routes:
                  - match: haiku
                    provider: zai
                    upstream_model: glm-4.5-air
                  - match: opus
                    provider: other
                """);

        CcRunner.Result r = cc.run("providers");

        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().contains("zai-secret-value-123"), "a key value is never printed");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.getFirst().matches("PROVIDER +BASE_URL +AUTH +KEY +HEADER_MODE +ROUTES +SOURCE"), lines.getFirst());
        assertTrue(lines.stream().anyMatch(l -> l.matches("anthropic +https://api\\.anthropic\\.com +passthrough +client's own +passthrough +default +policy")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("zai +https://api\\.z\\.ai/api/anthropic +ZAI_API_KEY +set +authorization +haiku +policy; header_mode: ZAI_HEADER_MODE")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("other +https://llm\\.example\\.com/anthropic +OTHER_API_KEY +NOT SET +x-api-key +opus +"
                + java.util.regex.Pattern.quote(project + ":2"))), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("1 +haiku +zai +glm-4\\.5-air +" + java.util.regex.Pattern.quote(project + ":6"))), r.out());
        assertTrue(r.out().contains("default provider: anthropic (policy)"), r.out());
        assertTrue(r.out().contains("layers: policy < " + project + " < ZAI_HEADER_MODE (not present: "
                + cc.paths().userConfigDir().resolve("providers.yaml") + ")"), r.out());

        JsonNode doc = new ObjectMapper().readTree(cc.run("providers", "--json").out());
        assertEquals("ZAI_HEADER_MODE", doc.get("providers").get("zai").get("sources").get("header_mode").get("source").asText());
        assertTrue(doc.get("providers").get("zai").get("key_set").asBoolean());
        assertFalse(doc.get("providers").get("other").get("key_set").asBoolean());
        assertEquals(project.toString(), doc.get("routes").get(1).get("source").get("source").asText());
        assertEquals(9, doc.get("routes").get(1).get("source").get("line").asInt());
        assertFalse(doc.toString().contains("zai-secret-value-123"));
    }

    @Test
    void aBrokenCatalogIsOneLineWithFileAndLineAndExitTwo() throws Exception {
        CcRunner cc = cc();
        Path user = cc.paths().userConfigDir().resolve("providers.yaml");
        Files.createDirectories(user.getParent());
        Files.writeString(user, "routes:\n  - match: haiku\n    provider: zia\n");

        CcRunner.Result r = cc.run("providers");

        assertEquals(2, r.exit());
        assertEquals(List.of("cc providers: the catalog is broken: " + user
                + ":2: route 1 (match haiku) names unknown provider zia (known: anthropic, zai)"), r.errLines());
    }
}
