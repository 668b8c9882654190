package dev.ccp.cli.quota;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaConfigException;
import dev.ccp.policy.quota.QuotaLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code cc quotas reload [FILE]}: asks the running proxy ({@code POST /v1/quotas/reload} on loopback)
 * to load FILE, or its active quotas file again, without a restart. A bad file is refused with the
 * reason and the proxy keeps its quotas.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Hot-reload the proxy's quotas from FILE, or from the file it has loaded.",
                "The proxy keeps FILE as its quotas file (cc status reads it too) and reloads it when it changes.",
                "A bad file is refused with the reason; the old quotas stay."})
public final class QuotasReloadCommand extends CcSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "Quotas file to put in force.")
    Path file;

    @Option(names = "--port", paramLabel = "PORT", description = "The proxy's port (default CCP_PORT, else MITM_PORT, else 8082).")
    Integer port;

    @Mixin
    JsonOption json;

    public QuotasReloadCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws Exception {
        int p = port != null ? port : port(ctx);
        Path absolute = file == null ? null : file.toAbsolutePath().normalize();
        String body = absolute == null ? "" : Json.mapper().writeValueAsString(Map.of("file", absolute.toString()));
        URI uri = URI.create("http://127.0.0.1:" + p + "/v1/quotas/reload");
        HttpResponse<String> res;
        try {
            res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build().send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw CommandFailure.of("no proxy answers on http://127.0.0.1:" + p + " (start it with make run, or give --port); "
                    + checkedLocally(absolute));
        } catch (IOException e) {
            throw CommandFailure.of("cannot reach the proxy on http://127.0.0.1:" + p + ": " + e.getMessage());
        }
        JsonNode answer;
        try {
            answer = Json.mapper().readTree(res.body());
        } catch (IOException e) {
            throw CommandFailure.of("the proxy on port " + p + " answered " + res.statusCode() + " with no JSON (is it ccp?)");
        }
        if (res.statusCode() != 200) {
            String message = answer.at("/error/message").asText("HTTP " + res.statusCode());
            throw CommandFailure.of(message);
        }
        if (json.on()) {
            Json.print(out(), answer);
        } else {
            out().println("quotas reloaded: " + answer.path("quotas").size() + " quota(s) from " + answer.path("source").asText());
        }
        return ExitCodes.OK;
    }

    private String checkedLocally(Path f) {
        try {
            QuotaConfig c = f != null ? QuotaLoader.load(f, Set.of()) : QuotaLoader.loadActive(ctx.env(), ctx.paths(), Set.of());
            return "the file is valid (" + c.quotas().size() + " quota(s) from " + c.source() + ") and is used at the next start";
        } catch (QuotaConfigException e) {
            return "and the file would be refused: " + e.getMessage();
        }
    }

    /** The proxy's port: CCP_PORT, else MITM_PORT, else 8082. */
    static int port(CliContext ctx) {
        for (String name : new String[]{"CCP_PORT", "MITM_PORT"}) {
            String v = ctx.var(name);
            if (v != null) {
                try {
                    int n = Integer.parseInt(v.trim());
                    if (n > 0 && n <= 65535) {
                        return n;
                    }
                } catch (NumberFormatException ignored) {
                    // Reported below.
                }
                throw CommandFailure.of(name + "=" + v + " is not a port number (1-65535)");
            }
        }
        return 8082;
    }
}
