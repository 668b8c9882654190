package dev.ccp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.testing.ChildJvm;

import dev.ccp.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real proxy process ({@code proxy/target/ccp-proxy.jar --port 0}) for tests that must not link
 * the proxy's classes: started with the given variables, its home and user configuration under
 * {@code root} so nothing of the machine's own configuration reaches it; read over HTTP.
 */
public final class ProxyProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ChildJvm process;
    private final int port;

    private ProxyProcess(ChildJvm process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the proxy and waits (60 s at most) until it listens. */
    public static ProxyProcess start(Path root, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("HOME", root.resolve("home").toString());
        all.put("XDG_CONFIG_HOME", root.resolve("xdg").toString());
        all.put("CCP_HOME", root.toString());
        all.putAll(env);
        ChildJvm child = ChildJvm.start(ModuleJars.command("proxy", "--port", "0"), all);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : List.copyOf(child.stderr())) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new ProxyProcess(child, Integer.parseInt(m.group(1)));
                }
            }
            if (!child.process().isAlive()) {
                break;
            }
            try {
                child.process().waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        child.close();
        throw new IllegalStateException("the proxy did not start listening:\n" + String.join("\n", child.stderr()));
    }

    public int port() {
        return port;
    }

    public List<String> stderr() {
        return process.stderr();
    }

    /** GET {@code path} on the proxy, as JSON. */
    public JsonNode getJson(String path) {
        try {
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + res.statusCode() + ": " + res.body());
            }
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the proxy (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() {
        process.terminate();
        try {
            if (!process.process().waitFor(30, TimeUnit.SECONDS)) {
                process.kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.kill();
        }
    }
}
