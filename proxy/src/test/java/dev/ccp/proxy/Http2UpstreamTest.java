package dev.ccp.proxy;

import dev.ccp.events.Event;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protocol selection against a TLS provider offering HTTP/2 through ALPN. The proxy runs as a child
 * JVM trusting the fake's self-signed certificate through the standard javax.net.ssl properties, so
 * no test hook exists in the proxy's TLS setup.
 */
class Http2UpstreamTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void http2IsUsedWhereOfferedAndMitmForceH1ForcesHttp11() throws Exception {
        Path store = dir.resolve("fake.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(),
                "-storepass", "changeit", "-storetype", "PKCS12").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertEquals(0, keytool.waitFor());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);

        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false, ssl)) {
            Path catalog = dir.resolve("providers.yaml");
            Files.writeString(catalog, """
                    providers:
                      anthropic: { base_url: %s, auth: passthrough }
                    default_provider: anthropic
                    """.formatted(anthropic.baseUrl()));
            assertEquals("h2", roundTrip(catalog, store, "h2-run", false, anthropic));
            assertEquals("h1", roundTrip(catalog, store, "h1-run", true, anthropic));
        }
    }

    private String roundTrip(Path catalog, Path store, String run, boolean forceH1, FakeProvider fake) throws Exception {
        Path logs = dir.resolve(run);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildJvm.jvmFlags());
        command.addAll(List.of("-Xmx128m", "-Djava.util.logging.config.file=" + ChildJvm.projectRoot().resolve("configs/logging.properties"),
                "-Djavax.net.ssl.trustStore=" + store, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--port", "0"));
        Map<String, String> env = new HashMap<>(Map.of("CCP_LOG_DIR", logs.toString(), "CCP_PROVIDERS_FILE", catalog.toString()));
        if (forceH1) {
            env.put("MITM_FORCE_H1", "1");
        }
        try (ChildJvm proxy = ChildJvm.start(command, env)) {
            String port = await().atMost(Duration.ofSeconds(30)).until(() -> proxy.stderr().stream()
                    .map(LISTENING::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null), p -> p != null);
            String model = "claude-sonnet-" + run;
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/messages?beta=true"))
                    .header("x-api-key", "sk-ant-client").header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), () -> res.body() + String.join("\n", proxy.stderr()));
            assertTrue(res.body().contains("event: message_stop"), res.body());
            FakeProvider.Seen seen = fake.seen().stream()
                    .filter(s -> new String(s.body()).contains(model)).findFirst().orElseThrow();
            assertEquals(forceH1 ? "1.1" : "2.0", seen.protocolVersion());
            assertEquals("beta=true", seen.query());
            Event.ResponseCompleted done = await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(logs.resolve("queue"))
                    .stream().filter(e -> e instanceof Event.ResponseCompleted).map(Event.ResponseCompleted.class::cast)
                    .findFirst().orElse(null), e -> e != null);
            assertEquals("ok", done.outcome());
            Event.UpstreamAttempt attempt = EventReader.all(logs.resolve("queue")).stream()
                    .filter(e -> e instanceof Event.UpstreamAttempt).map(Event.UpstreamAttempt.class::cast).findFirst().orElseThrow();
            assertEquals(done.http(), attempt.http());
            return done.http();
        }
    }
}
