package dev.ccp.cli.dashboard;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/cc statusline} as Claude Code runs it: its JSON on stdin, one line out, and no JVM (the
 * test leaves no JDK to find: a launcher that started one would fail with exit 2).
 */
class StatuslineScriptTest {
    private static final Path ROOT = Path.of(System.getProperty("ccp.root", "..")).toAbsolutePath().normalize();
    private static final String CLAUDE_CODE_JSON = "{\"session_id\":\"abc\",\"model\":{\"id\":\"claude-sonnet-4-5\"}}";

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private Run statusline(int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc", ROOT.resolve("bin/cc").toString(), "statusline")
                .directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG").contains(k));
        pb.environment().putAll(Map.of("CCP_PORT", String.valueOf(port), "JAVA_HOME", tmp.resolve("no-jdk").toString(),
                "PATH", "/usr/bin:/bin", "CCP_STATUSLINE_TIMEOUT", "5"));
        Path err = tmp.resolve("stderr-" + System.nanoTime());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(CLAUDE_CODE_JSON.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bin/cc statusline did not finish");
        return new Run(p.exitValue(), out, Files.readString(err));
    }

    @Test
    void printsTheProxysLineWithoutStartingAJvm() throws Exception {
        AtomicReference<String> hostSeen = new AtomicReference<>();
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/dashboard/api/statusline", x -> {
            hostSeen.set(x.getRequestHeaders().getFirst("Host"));
            byte[] body = "ccp ▸ zai · offload 62% today · zai-coding-plan 41%\n".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        proxy.start();
        try {
            Run r = statusline(proxy.getAddress().getPort());
            assertEquals(0, r.exit(), r.err());
            assertEquals("ccp ▸ zai · offload 62% today · zai-coding-plan 41%\n", r.out());
            assertEquals("127.0.0.1:" + proxy.getAddress().getPort(), hostSeen.get(), "a loopback Host, as the dashboard requires");
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void showsAnthropicsFiveHourUseAndTodaysSavingsAsTheProxySendsThem() throws Exception {
        String line = "ccp ▸ zai · offload 25% today · 5h 93% · saved $0.07\n";
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/dashboard/api/statusline", x -> {
            byte[] body = line.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        proxy.start();
        try {
            Run r = statusline(proxy.getAddress().getPort());
            assertEquals(0, r.exit(), r.err());
            assertEquals(line, r.out(), "one line, with the fields the proxy knows, unchanged");
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void saysCalmlyThatNoProxyIsThereWhenNoneAnswers() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run r = statusline(closed);
        assertEquals(0, r.exit(), r.err());
        assertEquals("ccp ▸ off (no proxy on :" + closed + ")\n", r.out());
        assertEquals("", r.err());
    }
}
