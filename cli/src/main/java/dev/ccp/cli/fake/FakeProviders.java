package dev.ccp.cli.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Built-in fakes of the two providers for {@code make longrun-model-only FAKE=1}: one HTTP server on
 * loopback speaking the Messages API (JSON and SSE) under {@code /anthropic} and {@code /zai/api/anthropic}.
 * Each fake checks the credential rule the proxy must keep: the Z.AI fake accepts only the Z.AI key, the
 * Anthropic fake refuses the Z.AI key; a crossed credential is answered 401, so it shows up as an error.
 *
 * <pre>java -cp cli/target/ccp-cli.jar dev.ccp.cli.fake.FakeProviders [--port N] [--port-file FILE] [--zai-key KEY]</pre>
 */
public final class FakeProviders {
    public static final String ANTHROPIC_PREFIX = "/anthropic";
    public static final String ZAI_PREFIX = "/zai/api/anthropic";
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

    private final HttpServer server;
    private final String zaiKey;
    private final AtomicLong served = new AtomicLong();

    private FakeProviders(int port, String zaiKey) throws IOException {
        this.zaiKey = zaiKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext(ANTHROPIC_PREFIX, x -> handle(x, "anthropic"));
        server.createContext(ZAI_PREFIX, x -> handle(x, "zai"));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    }

    /** Starts the fakes on loopback ({@code port} 0 = any free port). */
    public static FakeProviders start(int port, String zaiKey) throws IOException {
        FakeProviders f = new FakeProviders(port, zaiKey);
        f.server.start();
        return f;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public long served() {
        return served.get();
    }

    public void stop() {
        server.stop(0);
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        Path portFile = null;
        String key = System.getenv().getOrDefault("ZAI_API_KEY", "fake-zai-key");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--port-file" -> portFile = Path.of(args[++i]);
                case "--zai-key" -> key = args[++i];
                default -> {
                    System.err.println("usage: FakeProviders [--port N] [--port-file FILE] [--zai-key KEY]");
                    System.exit(2);
                }
            }
        }
        FakeProviders f = start(port, key);
        System.err.println("[fake] providers on http://127.0.0.1:" + f.port() + " (anthropic: " + ANTHROPIC_PREFIX
                + ", zai: " + ZAI_PREFIX + ")");
        if (portFile != null) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, f.port() + "\n");
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(f::stop));
    }

    private void handle(HttpExchange x, String provider) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            String apiKey = x.getRequestHeaders().getFirst("x-api-key");
            String auth = x.getRequestHeaders().getFirst("authorization");
            String credential = apiKey != null ? apiKey : auth != null ? auth.replaceFirst("(?i)^bearer\\s+", "") : null;
            boolean ok = provider.equals("zai") ? zaiKey.equals(credential) : credential != null && !credential.equals(zaiKey);
            if (!ok) {
                send(x, 401, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                        + "\"message\":\"fake " + provider + ": wrong credential for this provider\"}}");
                return;
            }
            String path = x.getRequestURI().getPath();
            if (!path.endsWith("/v1/messages") && !path.endsWith("/v1/messages/count_tokens")) {
                send(x, 200, "application/json", "{\"data\":[],\"served_by\":\"fake-" + provider + "\"}");
                return;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher m = MODEL.matcher(text);
            String model = m.find() ? m.group(1) : "unknown";
            served.incrementAndGet();
            if (path.endsWith("/count_tokens")) {
                send(x, 200, "application/json", "{\"input_tokens\":12}");
                return;
            }
            String usageStart = "{\"input_tokens\":12,\"cache_read_input_tokens\":0,\"output_tokens\":1}";
            if (!STREAM.matcher(text).find()) {
                send(x, 200, "application/json", "{\"id\":\"msg_fake\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                        + model + "\",\"content\":[{\"type\":\"text\",\"text\":\"ok from fake " + provider + "\"}],"
                        + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":5}}");
                return;
            }
            x.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
            x.sendResponseHeaders(200, 0);
            OutputStream os = x.getResponseBody();
            event(os, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_fake\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"usage\":" + usageStart + "}}");
            event(os, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
            event(os, "ping", "{\"type\":\"ping\"}");
            event(os, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok from fake "
                    + provider + "\"}}");
            event(os, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(os, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                    + "\"usage\":{\"output_tokens\":5}}");
            event(os, "message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    private static void event(OutputStream os, String type, String data) throws IOException {
        os.write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("content-type", type);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }
}
