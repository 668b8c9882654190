package dev.ccp.proxy.mitm;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.ccp.events.Event;
import dev.ccp.policy.ca.InterceptedHosts;
import dev.ccp.policy.ca.LocalCa;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import dev.ccp.testkit.TwoLaneCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The proxy as an HTTPS proxy: clients that believe they talk to api.anthropic.com, trusting the
 * local CA, are served by the loopback fakes the catalog names, with the same events as base-URL
 * mode; other hosts are tunnelled unread; bad CONNECTs get clear answers.
 */
class InterceptionTest {
    static final String CLIENT_KEY = "sk-ant-client-secret-mitm";
    static final String ZAI_KEY = "zai-secret-mitm";

    @TempDir
    static Path dir;
    static FakeProvider anthropic;
    static FakeProvider zai;
    static ProxyServer proxy;
    static LocalCa ca;
    static SSLContext trusting;
    static X509TrustManager trustManager;
    static String firstKey;

    @BeforeAll
    static void start() throws Exception {
        anthropic = new FakeProvider("anthropic", "", false);
        zai = new FakeProvider("zai", "/api/anthropic", true);
        Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
        Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir));
        env.put("ZAI_API_KEY", ZAI_KEY);
        env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env));
        // What `cc ca` does before a client is pointed at the proxy: the CA exists, the client trusts it.
        ca = LocalCa.loadOrCreate(Path.of(env.get("XDG_CONFIG_HOME")).resolve("ccp").resolve("ca"),
                InterceptedHosts.of(env, List.of()), InstantSource.system()).ca();
        firstKey = java.nio.file.Files.readString(ca.keyFile());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ccp", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustManager = (X509TrustManager) tmf.getTrustManagers()[0];
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.stop("test");
        }
        anthropic.close();
        zai.close();
    }

    static HttpClient viaProxy(SSLContext ssl) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static AnthropicClient sdkViaProxy() {
        return AnthropicOkHttpClient.builder().apiKey(CLIENT_KEY).maxRetries(0)
                .proxy(new java.net.Proxy(java.net.Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxy.port())))
                .sslSocketFactory(trusting.getSocketFactory()).trustManager(trustManager)
                .build();
    }

    static MessageCreateParams params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hi").build();
    }

    @Test
    void theJavaSdkBelievingItTalksToAnthropicIsRoutedByTheCatalogWithTheSameEvents() {
        AnthropicClient sdk = sdkViaProxy();
        Message sonnet = sdk.messages().create(params("claude-sonnet-4-mitm"));
        assertFalse(sonnet.content().isEmpty());
        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = sdk.messages().createStreaming(params("claude-haiku-mitm"))) {
            stream.stream().forEach(e -> e.contentBlockDelta().flatMap(d -> d.delta().text())
                    .ifPresent(t -> text.append(t.text())));
        }
        assertFalse(text.isEmpty(), "the stream completed");

        FakeProvider.Seen atAnthropic = anthropic.seen().stream()
                .filter(r -> new String(r.body(), StandardCharsets.UTF_8).contains("claude-sonnet-4-mitm")).findFirst().orElseThrow();
        assertEquals("Bearer " + CLIENT_KEY, atAnthropic.header("authorization"),
                () -> "sonnet reaches Anthropic with the client's key: " + atAnthropic.headers());
        FakeProvider.Seen atZai = zai.seen().stream()
                .filter(r -> new String(r.body(), StandardCharsets.UTF_8).contains("claude-haiku-mitm")).findFirst().orElseThrow();
        assertEquals(ZAI_KEY, atZai.header("x-api-key"), "haiku reaches Z.AI with the Z.AI key only");
        assertTrue(atZai.headers().values().stream().flatMap(List::stream).noneMatch(v -> v.contains(CLIENT_KEY)));

        List<Event.RequestReceived> received = await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(queue()).stream()
                .filter(e -> e instanceof Event.RequestReceived r && r.model() != null && r.model().endsWith("-mitm"))
                .map(e -> (Event.RequestReceived) e).toList(), l -> l.size() == 2);
        assertTrue(received.stream().allMatch(r -> "https_proxy".equals(r.mode())), received::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(queue()).stream()
                .filter(e -> e instanceof Event.RouteDecided d && d.model() != null && d.model().endsWith("-mitm"))
                .map(e -> ((Event.RouteDecided) e).lane()).toList(), l -> l.equals(List.of("anthropic", "zai")));
    }

    @Test
    void baseUrlRequestsSayTheirModeToo() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-base-mode\",\"max_tokens\":8}"))
                .header("x-api-key", CLIENT_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        Event.RequestReceived r = await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(queue()).stream()
                .filter(e -> e instanceof Event.RequestReceived rr && "claude-sonnet-base-mode".equals(rr.model()))
                .map(e -> (Event.RequestReceived) e).findFirst().orElse(null), x -> x != null);
        assertEquals("base_url", r.mode());
    }

    @Test
    void aRawClientGetsTheLeafForTheNameItAskedAndThePassthroughWorks() throws Exception {
        HttpResponse<String> res = viaProxy(trusting).send(HttpRequest.newBuilder(URI.create("https://api.anthropic.com/v1/models"))
                .header("x-api-key", CLIENT_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        assertTrue(res.body().contains("\"served_by\":\"anthropic\""), res.body());
        assertEquals("api.anthropic.com", res.sslSession().map(s -> {
            try {
                return ((java.security.cert.X509Certificate) s.getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (Exception e) {
                return e.toString();
            }
        }).orElse("").replace("CN=", ""));
    }

    @Test
    void aRotatedCaSignsTheNextConnectionsOfTheRunningProxy() throws Exception {
        Path caDir = ca.certificateFile().getParent();
        LocalCa rotated = LocalCa.create(caDir, ca.permittedHosts(), InstantSource.system());
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("rotated", rotated.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext trustingRotated = SSLContext.getInstance("TLS");
            trustingRotated.init(null, tmf.getTrustManagers(), null);
            HttpResponse<String> res = viaProxy(trustingRotated).send(HttpRequest.newBuilder(
                    URI.create("https://api.z.ai/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode());
        } finally {
            // The other tests trust the first CA: put it back as it was.
            java.nio.file.Files.writeString(caDir.resolve("ca.pem"), pem(ca.certificate()));
            java.nio.file.Files.writeString(caDir.resolve("ca.key"), firstKey);
        }
    }

    static String pem(java.security.cert.X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void otherHostsAreTunnelledByteForByteAndCounted() throws Exception {
        // 127.0.0.1 is not intercepted: the tunnel reaches the fake itself, in plain HTTP, unread by ccp.
        int fakePort = URI.create(anthropic.baseUrl()).getPort();
        try (Socket s = connect("CONNECT 127.0.0.1:" + fakePort + " HTTP/1.1\r\nHost: 127.0.0.1:" + fakePort + "\r\n\r\n")) {
            assertEquals("HTTP/1.1 200 Connection Established", readHead(s.getInputStream()).lines().findFirst().orElse(""));
            s.getOutputStream().write(("GET /v1/models?tunnelled=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
            assertTrue(length.find(), head);
            String body = new String(s.getInputStream().readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"served_by\":\"anthropic\""), body);
            assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("x-ccp-request-id"), "ccp did not read it: " + head);
        }
        assertTrue(anthropic.seen().stream().anyMatch(r -> "tunnelled=1".equals(r.query())));
        assertTrue(EventReader.all(queue()).stream().noneMatch(e -> e instanceof Event.RequestReceived r
                && "tunnelled=1".equals(r.query())), "a tunnel is not a request of ccp's");
        assertTrue(proxy.context().metrics().scrape().contains("ccp_tunnels_total{host=\"127.0.0.1\"} 1.0"),
                proxy.context().metrics().scrape());
    }

    @Test
    void aMalformedConnectGets400() throws Exception {
        for (String line : List.of("CONNECT api.anthropic.com HTTP/1.1", "CONNECT api.anthropic.com:99999 HTTP/1.1",
                "CONNECT a b:443 HTTP/1.1", "CONNECT api.anthropic.com:443 SPDY/3")) {
            try (Socket s = connect(line + "\r\n\r\n")) {
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), line + " -> " + answer);
                assertTrue(answer.endsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                        + "\"malformed CONNECT line: expected 'CONNECT host:port HTTP/1.1'\"}}"), answer);
            }
        }
    }

    @Test
    void anInterceptedHostOnAnotherPortIsRefusedNotTunnelled() throws Exception {
        try (Socket s = connect("CONNECT api.anthropic.com:8443 HTTP/1.1\r\n\r\n")) {
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
            assertTrue(answer.contains("api.anthropic.com is intercepted by ccp, which serves it on port 443 only"), answer);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsCleanlyAndTheProxyStaysHealthy() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 2; i++) {
                assertThrows(SSLHandshakeException.class, () -> viaProxy(SSLContext.getDefault()).send(
                        HttpRequest.newBuilder(URI.create("https://api.anthropic.com/v1/models")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.context().metrics().scrape()
                    .contains("ccp_mitm_handshake_refused_total 2.0"));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, log.lines().filter(l -> l.contains("most likely it does not trust the ccp CA")).count(), log);
        assertTrue(log.contains("NODE_EXTRA_CA_CERTS=" + ca.certificateFile()), log);
        assertTrue(log.lines().noneMatch(l -> l.startsWith("\tat ")), log);
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
    }

    @Test
    void withTunnelsOffOtherHostsAreRefused() throws Exception {
        Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir.resolve("no-tunnel")));
        env.put("CCP_LOG_DIR", dir.resolve("no-tunnel-logs").toString());
        env.put("CCP_MITM_TUNNEL", "0");
        try (ProxyServer strict = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env));
             Socket s = new Socket("127.0.0.1", strict.port())) {
            s.getOutputStream().write("CONNECT example.com:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
            assertTrue(answer.contains("ccp does not tunnel to example.com:443 (CCP_MITM_TUNNEL=0)"), answer);
        }
        env.put("CCP_MITM_TUNNEL", "maybe");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env)));
        assertEquals("CCP_MITM_TUNNEL=maybe is not an on/off value (1 or 0)", bad.getMessage());
    }

    @Test
    void aCallerNotOnLoopbackGets403() throws Exception {
        InetAddress external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(n -> {
                    try {
                        return n.isUp() && !n.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                .findFirst().orElse(null);
        assumeTrue(external != null, "this machine has no non-loopback IPv4 address to call from");
        Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir.resolve("open")));
        env.put("CCP_LOG_DIR", dir.resolve("open-logs").toString());
        try (ProxyServer open = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0", "--host", "0.0.0.0"}, env));
             Socket s = new Socket(external, open.port())) {
            s.getOutputStream().write("CONNECT api.anthropic.com:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
            assertTrue(answer.contains("\"type\":\"permission_error\""), answer);
        }
    }

    static Socket connect(String head) throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    static Path queue() {
        return dir.resolve("logs").resolve("queue");
    }

}
