package dev.ccp.cli.quota;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.JsonValues;
import dev.ccp.cli.support.LoopbackHttp;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaConfigException;
import dev.ccp.policy.quota.QuotaLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.ConnectException;
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
        String body = absolute == null ? "" : JsonValues.stringField("file", absolute.toString());
        LoopbackHttp.Response res;
        try {
            res = LoopbackHttp.post(p, "/v1/quotas/reload", "application/json", body, Duration.ofSeconds(3), Duration.ofSeconds(10));
        } catch (ConnectException e) {
            throw CommandFailure.of("no proxy answers on http://127.0.0.1:" + p + " (start it with make run, or give --port); "
                    + checkedLocally(absolute));
        } catch (IOException e) {
            throw CommandFailure.of("cannot reach the proxy on http://127.0.0.1:" + p + ": " + e.getMessage());
        }
        Map<String, Object> answer;
        try {
            answer = JsonValues.parse(res.body()) instanceof Map<?, ?> m ? asObject(m) : Map.of();
        } catch (IOException e) {
            throw CommandFailure.of("the proxy on port " + p + " answered " + res.status() + " with no JSON (is it ccp?)");
        }
        if (res.status() != 200) {
            Object message = JsonValues.at(answer, "error", "message");
            throw CommandFailure.of(message instanceof String s ? s : "HTTP " + res.status());
        }
        if (json.on()) {
            Json.print(out(), Json.mapper().readTree(res.body()));
        } else {
            Object source = answer.get("source");
            out().println("quotas reloaded: " + size(answer.get("quotas")) + " quota(s) from " + (source == null ? "" : source));
        }
        return ExitCodes.OK;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** The size of an array or object, 0 for anything else (what Jackson's {@code JsonNode.size()} says). */
    private static int size(Object v) {
        return v instanceof java.util.List<?> l ? l.size() : v instanceof Map<?, ?> m ? m.size() : 0;
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
