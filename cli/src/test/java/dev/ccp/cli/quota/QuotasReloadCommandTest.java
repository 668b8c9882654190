package dev.ccp.cli.quota;

import dev.ccp.cli.CcRunner;
import dev.ccp.cli.support.OneAnswerServer;
import dev.ccp.testkit.ProxyProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cc quotas reload} against a running proxy: a good file is put in force, a bad one refused and the old kept. */
class QuotasReloadCommandTest {
    @TempDir
    Path root;

    @Test
    void reloadSwapsAGoodFileAndRefusesABadOneKeepingTheOld() throws Exception {
        Path first = root.resolve("quotas.yaml");
        Files.writeString(first, "quotas:\n  - { name: first, provider: zai, rolling: { requests: 10 } }\n");
        try (ProxyProcess proxy = ProxyProcess.start(root, Map.of(
                "CCP_LOG_DIR", root.resolve("logs").toString(), "CCP_QUOTAS_FILE", first.toString()))) {
            CcRunner cc = new CcRunner(root, InstantSource.system()).env("CCP_PORT", Integer.toString(proxy.port()));
            Path bad = root.resolve("bad.yaml");
            Files.writeString(bad, "quotas:\n  - { name: second, provider: nowhere, rolling: { requests: 10 } }\n");

            CcRunner.Result refused = cc.run("quotas", "reload", bad.toString());

            assertEquals(2, refused.exit(), refused.toString());
            assertEquals(1, refused.errLines().size(), refused.toString());
            assertTrue(refused.err().contains("unknown provider nowhere") && refused.err().contains("previous ones stay"), refused.err());
            assertEquals("first", proxy.getJson("/v1/quotas").get("quotas").get(0).get("name").asText());

            Path good = root.resolve("good.yaml");
            Files.writeString(good, "quotas:\n  - { name: second, model: 'claude-opus-*', weekly: { output_tokens: 1000 } }\n");
            CcRunner.Result ok = cc.run("quotas", "reload", good.toString());
            assertEquals(0, ok.exit(), ok.toString());
            assertEquals("quotas reloaded: 1 quota(s) from " + good + "\n", ok.out());
            assertEquals("second", proxy.getJson("/v1/quotas").get("quotas").get(0).get("name").asText());

            Files.writeString(good, "quotas: []\n");
            CcRunner.Result again = cc.run("quotas", "reload", "--json");
            assertEquals(0, again.exit(), again.toString());
            assertTrue(again.out().contains("\"reloaded\":true") && again.out().contains("\"quotas\":[]"), again.out());
            assertTrue(proxy.getJson("/v1/quotas").get("quotas").isEmpty(), "without FILE the file in force is read again");
        }
    }

    @Test
    void aRefusalAnsweredChunkedIsItsMessageInOneLineAndTheFileGoesAsJson() throws Exception {
        Path file = root.resolve("my \"quotas\".yaml");
        String error = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"quotas refused: line 1\"}}";
        try (OneAnswerServer proxy = new OneAnswerServer("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(error.length()) + "\r\n" + error + "\r\n0\r\n\r\n")) {
            CcRunner.Result r = new CcRunner(root, InstantSource.system()).run("quotas", "reload", "--port",
                    String.valueOf(proxy.port()), file.toString());

            assertEquals(2, r.exit(), r.toString());
            assertEquals(java.util.List.of("cc quotas reload: quotas refused: line 1"), r.errLines());
            String request = proxy.request();
            assertTrue(request.startsWith("POST /v1/quotas/reload HTTP/1.1\r\n"), request);
            assertTrue(request.endsWith("\r\n\r\n{\"file\":\"" + file.toString().replace("\"", "\\\"") + "\"}"), request);
        }
    }

    @Test
    void statusJudgesByTheFileTheProxyLoadedAndTheProxyReloadsThatFileWhenItIsEdited() throws Exception {
        Path configured = root.resolve("configured.yaml");
        Files.writeString(configured, "quotas:\n  - { name: configured, provider: zai, rolling: { requests: 10 } }\n");
        Files.createDirectories(root.resolve("configs"));
        Files.writeString(root.resolve("configs/quotas.yaml"), "quotas:\n  - { name: default-file, provider: zai, rolling: { requests: 10 } }\n");
        try (ProxyProcess proxy = ProxyProcess.start(root, Map.of(
                "CCP_LOG_DIR", root.resolve("proxy-logs").toString(), "CCP_QUOTAS_FILE", configured.toString()))) {
            CcRunner cc = new CcRunner(root, InstantSource.system()).env("CCP_PORT", Integer.toString(proxy.port()));
            new dev.ccp.cli.EventFixture(cc.paths(), java.time.Instant.now().minusSeconds(600)).haikuOnZai().project();
            Path other = root.resolve("other.yaml");
            Files.writeString(other, "quotas:\n  - { name: reloaded, provider: zai, rolling: { requests: 10 } }\n");
            assertEquals(0, cc.run("quotas", "reload", other.toString()).exit());

            com.fasterxml.jackson.databind.JsonNode status = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(cc.run("status", "--json").out());
            assertEquals(other.toString(), status.get("quotas_source").asText(), status.toString());
            assertEquals("reloaded", status.at("/quotas/0/name").asText(), status.toString());

            Files.writeString(other, "quotas:\n  - { name: edited, provider: zai, rolling: { requests: 20 } }\n");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() ->
                    "edited".equals(proxy.getJson("/v1/quotas").at("/quotas/0/name").asText()));

            Files.writeString(other, "quotas:\n  - { name: broken, provider: nowhere, rolling: { requests: 20 } }\n");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() ->
                    proxy.stderr().stream()
                    .anyMatch(l -> l.contains("quotas reload refused, the quotas loaded before stay in force")));
            assertEquals("edited", proxy.getJson("/v1/quotas").at("/quotas/0/name").asText(), "a broken edit keeps the old quotas");
        }
    }
}
