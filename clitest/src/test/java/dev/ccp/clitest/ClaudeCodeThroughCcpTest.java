package dev.ccp.clitest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Event;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import dev.ccp.testkit.TwoLaneCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Claude Code CLI (the pinned npm package the build installs into target/) runs {@code claude -p}
 * through ccp, started as its own process by {@code bin/ccp-proxy}, to two fake providers speaking the
 * Anthropic API over TLS: once in base-URL mode, once in interception mode set up by the guide's own
 * {@code source scripts/sub-env.sh PORT --mitm} (Claude Code keeps https://api.anthropic.com and trusts the
 * ccp CA through NODE_EXTRA_CA_CERTS). Both legs of the interception are TLS. Claude Code runs offline:
 * telemetry, auto-update and other non-essential traffic are off, and the proxy tunnels nothing
 * ({@code CCP_MITM_TUNNEL=0}), so a call to any other host would be refused rather than leave the machine.
 */
class ClaudeCodeThroughCcpTest {
    static final String CLIENT_KEY = "sk-ant-api03-client-through-ccp";
    static final String ZAI_KEY = "zai-key-through-ccp";
    static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    static final Path ROOT = ChildJvm.projectRoot();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static FakeProvider anthropic;
    static FakeProvider zai;
    static ChildJvm proxy;
    static int port;
    static Map<String, String> proxyEnv;

    @BeforeAll
    static void start() throws Exception {
        Path claude = claude();
        assertTrue(Files.isExecutable(claude), "the build installs Claude Code at " + claude
                + " (mvn verify -pl clitest runs npm install; -DskipTests skips it)");
        Path store = dir.resolve("fake-tls.p12");
        SSLContext tls = selfSigned(store);
        anthropic = new FakeProvider("anthropic", "", false, tls);
        zai = new FakeProvider("zai", "/api/anthropic", true, tls);
        Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
        proxyEnv = new HashMap<>(TestLicenses.licensed(dir));
        proxyEnv.put("CCP_LOG_DIR", dir.resolve("logs").toString());
        proxyEnv.put("CCP_RESULTS_DIR", dir.resolve("results").toString());
        proxyEnv.put("CCP_PROVIDERS_FILE", catalog.toString());
        proxyEnv.put("ZAI_API_KEY", ZAI_KEY);
        proxyEnv.put("CCP_MITM_TUNNEL", "0");
        proxyEnv.put("CCP_RELOAD_INTERVAL", "0");
        // The proxy trusts the fakes' self-signed certificate the standard way: the upstream leg is TLS too.
        proxyEnv.put("CCP_JAVA_OPTS", "-Xmx256m -Djavax.net.ssl.trustStore=" + store
                + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12");
        proxy = ChildJvm.start(List.of(ROOT.resolve("bin/ccp-proxy").toString(), "--port", "0"), proxyEnv);
        String p = await().atMost(Duration.ofSeconds(60)).until(() -> proxy.stderr().stream()
                .map(LISTENING::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null), x -> x != null);
        port = Integer.parseInt(p);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.terminate();
            await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.process().isAlive());
        }
        if (anthropic != null) {
            anthropic.close();
        }
        if (zai != null) {
            zai.close();
        }
    }

    @Test
    void claudeCodeIsServedAlikeInBaseUrlAndHttpsProxyModeWithTheSameUsageLines() throws Exception {
        Map<String, String> baseUrl = claudeEnv();
        baseUrl.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port);
        Run haikuBase = claude("haiku", "", baseUrl);
        Run sonnetBase = claude("sonnet", "", baseUrl);

        // The guide's flow, as written: source scripts/sub-env.sh PORT --mitm && claude -p "say ok".
        Map<String, String> shell = claudeEnv();
        shell.put("XDG_CONFIG_HOME", proxyEnv.get("XDG_CONFIG_HOME"));
        String subEnv = "source " + ROOT.resolve("scripts/sub-env.sh") + " " + port + " --mitm && ";
        Run haikuMitm = claude("haiku", subEnv, shell);
        Run sonnetMitm = claude("sonnet", subEnv, shell);

        for (Run r : List.of(haikuBase, sonnetBase, haikuMitm, sonnetMitm)) {
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("Hello"), () -> "the streamed answer reached the terminal: " + r);
        }

        // Credentials: haiku work reaches Z.AI with the Z.AI key only; the rest reaches Anthropic with the client's key.
        assertFalse(zai.seen().isEmpty());
        for (FakeProvider.Seen s : zai.seen()) {
            assertEquals(ZAI_KEY, s.header("x-api-key"), s::toString);
            assertTrue(s.headers().values().stream().flatMap(List::stream).noneMatch(v -> v.contains(CLIENT_KEY)), s::toString);
        }
        assertTrue(anthropic.seen().stream().anyMatch(s -> s.path().startsWith("/v1/messages")));
        for (FakeProvider.Seen s : anthropic.seen()) {
            assertTrue(s.headers().values().stream().flatMap(List::stream).noneMatch(v -> v.contains(ZAI_KEY)), s::toString);
            if (s.path().startsWith("/v1/")) {
                String credential = s.header("x-api-key") != null ? s.header("x-api-key") : s.header("authorization");
                assertTrue(credential != null && credential.contains(CLIENT_KEY), s::toString);
            }
        }

        // usage.jsonl, by the projector as its own process: one line per request, haiku on zai, the rest on anthropic, all ok.
        ChildJvm projector = ChildJvm.start(List.of(ROOT.resolve("bin/ccp-projector").toString(), "--once"), proxyEnv);
        assertTrue(projector.process().waitFor(120, TimeUnit.SECONDS), "the projector caught up");
        assertEquals(0, projector.process().exitValue(), () -> String.join("\n", projector.stderr()));
        List<JsonNode> usage = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("logs/usage.jsonl"))) {
            usage.add(JSON.readTree(line));
        }
        Map<String, String> modeByRequest = EventReader.all(dir.resolve("logs/queue")).stream()
                .filter(e -> e instanceof Event.RequestReceived).map(e -> (Event.RequestReceived) e)
                .collect(Collectors.toMap(Event.RequestReceived::reqId, Event.RequestReceived::servedMode));
        assertEquals(modeByRequest.keySet(), usage.stream().map(u -> u.get("req_id").asText()).collect(Collectors.toSet()));
        for (JsonNode u : usage) {
            String model = u.get("model").asText();
            assertEquals(model.contains("haiku") ? "zai" : "anthropic", u.get("lane").asText(), u::toString);
            assertEquals("ok", u.get("outcome").asText(), u::toString);
            assertEquals(200, u.get("status").asInt(), u::toString);
        }
        assertTrue(usage.stream().anyMatch(u -> u.get("op").asText().equals("stream") && u.get("model").asText().contains("haiku")
                && u.get("output_tokens").asLong() > 0), "a haiku stream completed with its usage");
        assertTrue(usage.stream().anyMatch(u -> u.get("op").asText().equals("stream") && u.get("model").asText().contains("sonnet")
                && u.get("output_tokens").asLong() > 0), "a sonnet stream completed with its usage");

        // Same Messages requests, same lines, whichever the mode (all but ids, times and the mode itself).
        Map<String, String> pathByRequest = EventReader.all(dir.resolve("logs/queue")).stream()
                .filter(e -> e instanceof Event.RequestReceived).map(e -> (Event.RequestReceived) e)
                .collect(Collectors.toMap(Event.RequestReceived::reqId, r -> r.method() + " " + r.path()));
        // (With api.anthropic.com as its base, Claude Code also reads /api/claude_code/settings and policy_limits:
        // passed to the default provider like any other path, so they are not compared.)
        Map<String, List<String>> linesByMode = usage.stream().filter(u -> pathByRequest.get(u.get("req_id").asText())
                        .startsWith("POST /v1/messages")).collect(Collectors.groupingBy(
                u -> modeByRequest.get(u.get("req_id").asText()),
                Collectors.mapping(ClaudeCodeThroughCcpTest::comparable, Collectors.toList())));
        assertEquals(Set.of("base_url", "https_proxy"), linesByMode.keySet());
        assertEquals(sorted(linesByMode.get("base_url")), sorted(linesByMode.get("https_proxy")));
    }

    @Test
    void nodeRefusesALeafForExampleComSignedWithTheCaKey() throws Exception {
        // The Name Constraints as the client enforces them: Node's TLS (OpenSSL) against a server whose
        // leaf for example.com is signed with the CA's own key, as a thief holding the key would sign it.
        Path caDir = Path.of(proxyEnv.get("XDG_CONFIG_HOME")).resolve("ccp/ca");
        ProcessBuilder cc = new ProcessBuilder(ROOT.resolve("bin/cc").toString(), "ca");
        cc.environment().putAll(proxyEnv);
        cc.redirectErrorStream(true);
        Process made = cc.start();
        String ccOut = new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(made.waitFor(60, TimeUnit.SECONDS) && made.exitValue() == 0, ccOut);
        assertTrue(ccOut.startsWith("certificate  " + caDir.resolve("ca.pem")), ccOut);

        try (ForgedLeafServer server = ForgedLeafServer.start(caDir, "example.com");
             ForgedLeafServer allowed = ForgedLeafServer.start(caDir, "api.anthropic.com")) {
            String refused = node(caDir.resolve("ca.pem"), "example.com", server.port());
            assertTrue(refused.contains("permitted subtree violation"), refused);
            assertEquals("authorized", node(caDir.resolve("ca.pem"), "api.anthropic.com", allowed.port()).strip(),
                    "the same CA and code accept an intercepted host");
        }
    }

    record Run(int exit, String out, String err) {
    }

    /** {@code claude -p "say ok" --model MODEL}, after {@code prefix} (shell lines), in {@code env} only. */
    static Run claude(String model, String prefix, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(dir, "claude-out", ".txt");
        Path err = Files.createTempFile(dir, "claude-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc", "-c",
                prefix + "exec \"$CLAUDE\" -p 'say ok' --model " + model);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("CLAUDE", claude().toString());
        pb.directory(Files.createDirectories(dir.resolve("workspace")).toFile());
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Run(p.isAlive() ? -1 : p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** What Claude Code needs to run headless and offline: a home of its own, no telemetry, no updates. */
    static Map<String, String> claudeEnv() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", Files.createDirectories(dir.resolve("claude-home")).toString());
        env.put("LANG", "C.UTF-8");
        env.put("ANTHROPIC_API_KEY", CLIENT_KEY);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        return env;
    }

    static Path claude() {
        return Path.of(System.getProperty("claude.bin", "target/claude-code/node_modules/.bin/claude")).toAbsolutePath();
    }

    /** A TLS connection by Node to 127.0.0.1:port for {@code name}, trusting only the CA; prints the outcome. */
    static String node(Path ca, String name, int port) throws Exception {
        String script = """
                const tls = require('tls'); const fs = require('fs');
                const s = tls.connect({host: '127.0.0.1', port: %d, servername: '%s', ca: [fs.readFileSync('%s')]},
                  () => { console.log('authorized'); s.end(); });
                s.on('error', e => { console.log('refused: ' + e.code + ' ' + e.message); });
                """.formatted(port, name, ca);
        Process p = new ProcessBuilder("node", "-e", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return out;
    }

    static String comparable(JsonNode u) {
        return List.of("model", "lane", "provider", "decision", "op", "status", "header_mode", "input_tokens",
                "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "stop_reason", "outcome",
                "attempts", "upstream_model").stream().map(f -> f + "=" + u.path(f)).collect(Collectors.joining(" "));
    }

    static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    static SSLContext selfSigned(Path store) throws Exception {
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
        return ssl;
    }
}
