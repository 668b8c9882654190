package dev.ccp.cli.fake;

import dev.ccp.testkit.TestLicenses;

import dev.ccp.testkit.ProxyProcess;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's built-in fakes speak the Messages API (JSON and SSE) and refuse a crossed credential. */
class FakeProvidersTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String url, String key, String model, boolean stream) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", key)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":5,\"stream\":" + stream + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fakesServeBothLanesThroughTheRealProxyWithStreamsAndJson() throws Exception {
        FakeProviders fakes = FakeProviders.start(0, "zai-fake-key-1");
        try {
            Path catalog = dir.resolve("p.yaml");
            String base = "http://127.0.0.1:" + fakes.port();
            Files.writeString(catalog, """
                    providers:
                      anthropic: { base_url: "%s/anthropic", auth: passthrough }
                      zai: { base_url: "%s/zai/api/anthropic", auth_env: ZAI_API_KEY, header_mode: authorization }
                    routes: [ { match: haiku, provider: zai } ]
                    """.formatted(base, base));
            Map<String, String> env = new java.util.HashMap<>(TestLicenses.licensed(dir));
            env.putAll(Map.of("CCP_LOG_DIR", dir.resolve("logs").toString(),
                    "CCP_PROVIDERS_FILE", catalog.toString(), "ZAI_API_KEY", "zai-fake-key-1"));
            try (ProxyProcess proxy = ProxyProcess.start(dir, env)) {
                String url = "http://127.0.0.1:" + proxy.port() + "/v1/messages?beta=true";
                HttpResponse<String> haiku = post(url, "client-key-123", "claude-haiku-4-5", true);
                assertEquals(200, haiku.statusCode(), haiku.body());
                assertTrue(haiku.body().startsWith("event: message_start\ndata: "), haiku.body());
                assertTrue(haiku.body().contains("ok from fake zai") && haiku.body().endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));

                HttpResponse<String> sonnet = post(url, "client-key-123", "claude-sonnet-4-5", false);
                assertEquals(200, sonnet.statusCode(), sonnet.body());
                assertTrue(sonnet.body().contains("\"text\":\"ok from fake anthropic\""), sonnet.body());
            }
            assertEquals(2, fakes.served());

            assertEquals(401, post(base + "/zai/api/anthropic/v1/messages", "client-key-123", "claude-haiku-4-5", false).statusCode(),
                    "the Z.AI fake takes only the Z.AI key");
            assertEquals(401, post(base + "/anthropic/v1/messages", "zai-fake-key-1", "claude-sonnet-4-5", false).statusCode(),
                    "the Anthropic fake refuses the Z.AI key");
        } finally {
            fakes.stop();
        }
    }
}
