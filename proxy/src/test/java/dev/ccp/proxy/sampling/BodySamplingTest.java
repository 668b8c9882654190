package dev.ccp.proxy.sampling;

import dev.ccp.testkit.TwoLaneCatalog;

import dev.ccp.events.Event;
import dev.ccp.events.EventCodec;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make tee-on / tee-off: the flag file turns BodySampled events on and off in a running proxy. */
class BodySamplingTest {
    private static final String ZAI_KEY = "zai-secret-key-0123456789";
    private static final String CLIENT_KEY = "sk-ant-api03-client-secret-abcdef";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private String send(int port, String model, boolean stream, String text) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages?beta=true"))
                        .header("x-api-key", CLIENT_KEY).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream
                                + ",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.headers().firstValue("x-ccp-request-id").orElseThrow();
    }

    private List<Event.BodySampled> samples(Path queue, String reqId) {
        return EventReader.forRequest(queue, reqId).stream()
                .filter(e -> e instanceof Event.BodySampled).map(e -> (Event.BodySampled) e).toList();
    }

    @Test
    void aSampleAtTheLargestCapFitsInOneEventOfTheLogWhateverItsBytes() {
        byte[] controlBytes = new byte[BodySampling.MAX_CAP];
        java.util.Arrays.fill(controlBytes, (byte) 1);
        Event.BodySampled cut = BodySampling.OFF.sample("r1", "request", "application/octet-stream", controlBytes,
                controlBytes.length, controlBytes.length, BodySampling.MAX_CAP);
        assertTrue(EventCodec.encode(cut).length <= dev.ccp.events.EventLog.MAX_DOCUMENT_BYTES,
                "escaped six times over, the sample is cut to what the log takes");
        assertTrue(cut.truncated());
        assertTrue(cut.data().length() > 500_000, "cut to fit, not dropped: " + cut.data().length());

        byte[] text = "{\"a\":\"b\\n\"}".repeat(BodySampling.MAX_CAP / 13).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Event.BodySampled whole = BodySampling.OFF.sample("r2", "request", "application/json", text, text.length, text.length,
                BodySampling.MAX_CAP);
        assertFalse(whole.truncated(), "a JSON body at the cap is kept whole");
        assertEquals(new String(text, java.nio.charset.StandardCharsets.UTF_8), whole.data());
    }

    @Test
    void teeFlagFileTurnsCappedCredentialFreeBodySamplesOnAndOffWhileTheProxyRuns() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true)) {
            Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
            Path tee = dir.resolve("config/tee");
            Path queue = dir.resolve("logs/queue");
            ProxyConfig config = ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(), "CCP_PROVIDERS_FILE", catalog.toString(),
                    "ZAI_API_KEY", ZAI_KEY, "CCP_TEE_FILE", tee.toString()));
            try (ProxyServer proxy = ProxyServer.start(config)) {
                int port = proxy.port();
                String off = send(port, "claude-haiku-4-5", false, "hello");
                await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.forRequest(queue, off).stream()
                        .anyMatch(e -> e instanceof Event.ResponseCompleted));
                assertEquals(List.of(), samples(queue, off), "off by default");

                Files.createDirectories(tee.getParent());
                Files.writeString(tee, "64\n");
                String[] sampled = new String[1];
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String id = send(port, "claude-haiku-4-5", false, "my key is " + ZAI_KEY + " and " + CLIENT_KEY);
                    await().atMost(Duration.ofSeconds(5)).until(() -> EventReader.forRequest(queue, id).stream()
                            .anyMatch(e -> e instanceof Event.ResponseCompleted));
                    sampled[0] = id;
                    return samples(queue, id).size() == 2;
                });
                List<Event.BodySampled> s = samples(queue, sampled[0]);
                Event.BodySampled request = s.getFirst();
                assertEquals("request", request.direction());
                assertEquals("application/json", request.contentType());
                assertTrue(request.truncated(), "capped at the flag file's 64 bytes");
                assertTrue(request.bytes() > 64);
                assertTrue(request.data().startsWith("{\"model\":\"claude-haiku-4-5\""), request.data());
                Event.BodySampled response = s.get(1);
                assertEquals("response", response.direction());
                assertTrue(response.data().startsWith("{\"id\":"), response.data());

                String stream = send(port, "claude-sonnet-4-5", true, "token " + ZAI_KEY);
                await().atMost(Duration.ofSeconds(10)).until(() -> samples(queue, stream).size() == 2);
                assertTrue(samples(queue, stream).get(1).data().startsWith("event: message_start"),
                        samples(queue, stream).get(1).data());

                Files.writeString(tee, "100000\n");
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String id = send(port, "claude-haiku-4-5", false, "secret " + ZAI_KEY + " / " + CLIENT_KEY);
                    await().atMost(Duration.ofSeconds(5)).until(() -> !samples(queue, id).isEmpty());
                    Event.BodySampled req = samples(queue, id).getFirst();
                    if (req.truncated()) {
                        return false;
                    }
                    assertTrue(req.data().contains("secret [redacted] / [redacted]"), req.data());
                    return true;
                });

                Files.delete(tee);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String id = send(port, "claude-haiku-4-5", false, "bye");
                    await().atMost(Duration.ofSeconds(5)).until(() -> EventReader.forRequest(queue, id).stream()
                            .anyMatch(e -> e instanceof Event.ResponseCompleted));
                    return samples(queue, id).isEmpty();
                });
            }
            List<Event> all = EventReader.all(queue);
            for (Event e : all) {
                String json = EventCodec.encodeToString(e);
                assertFalse(json.contains(ZAI_KEY) || json.contains(CLIENT_KEY), json);
            }
            List<String> flips = all.stream().filter(e -> e instanceof Event.ConfigChanged c && c.kind().equals("tee"))
                    .map(e -> ((Event.ConfigChanged) e).detail()).toList();
            assertEquals(List.of("{\"enabled\":true,\"max_bytes\":64}", "{\"enabled\":true,\"max_bytes\":100000}",
                    "{\"enabled\":false,\"max_bytes\":0}"), flips);
        }
    }

    @Test
    void scrubRemovesConfiguredKeyValuesAndKeyShapedStrings() {
        BodySampling s = BodySampling.watching(dir.resolve("tee"), List.of("ZAI_API_KEY"),
                Map.of("ZAI_API_KEY", "abcd.efgh.ijkl")::get, e -> { }, java.time.InstantSource.system(), "px_t",
                BodySampling.RECHECK);

        assertEquals("k=[redacted] a=[redacted] b=[redacted] plain sk-short",
                s.scrub("k=abcd.efgh.ijkl a=sk-ant-api03-xyzxyzxyz b=Bearer abcdefghijkl plain sk-short"));
    }
}
