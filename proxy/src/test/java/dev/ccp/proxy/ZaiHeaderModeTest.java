package dev.ccp.proxy;

import dev.ccp.testkit.TwoLaneCatalog;

import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ZaiHeaderModeTest {
    @TempDir
    Path dir;

    @Test
    void zaiHeaderModeAuthorizationSendsTheKeyAsBearerAndDropsTheClientsXApiKey() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true)) {
            Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
            Map<String, String> env = new java.util.HashMap<>(TestLicenses.licensed(dir));
            env.putAll(Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(), "CCP_PROVIDERS_FILE", catalog.toString(),
                    "ZAI_API_KEY", "zai-key-9", "ZAI_HEADER_MODE", "authorization"));
            ProxyConfig config = ProxyConfig.from(new String[]{"--port", "0"}, env);
            try (ProxyServer proxy = ProxyServer.start(config)) {
                HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages?beta=true"))
                        .header("x-api-key", "sk-ant-client").header("anthropic-version", "2023-06-01")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, res.statusCode());
                FakeProvider.Seen s = zai.seen().getFirst();
                assertEquals("Bearer zai-key-9", s.header("authorization"));
                assertNull(s.header("x-api-key"), "the client's Anthropic key must not reach Z.AI");
                assertEquals(0, anthropic.seen().size());
            }
        }
    }
}
