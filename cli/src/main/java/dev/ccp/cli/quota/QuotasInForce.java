package dev.ccp.cli.quota;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.Json;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaLoader;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The quotas {@code cc status} judges usage against: the ones a running proxy enforces (it may have
 * been given another file by {@code cc quotas reload FILE}), else the active file by the usual search.
 */
final class QuotasInForce {
    private QuotasInForce() {
    }

    static QuotaConfig load(CliContext ctx) {
        Optional<String> source = askProxy(ctx);
        if (source.isPresent()) {
            return "none".equals(source.get()) ? QuotaConfig.NONE : QuotaLoader.load(Path.of(source.get()), Set.of());
        }
        return QuotaLoader.loadActive(ctx.env(), ctx.paths(), Set.of());
    }

    /** The file the proxy on CCP_PORT/MITM_PORT/8082 has loaded; empty when no ccp proxy answers there. */
    static Optional<String> askProxy(CliContext ctx) {
        int port;
        try {
            port = QuotasReloadCommand.port(ctx);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/quotas"))
                            .timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode source = Json.mapper().readTree(res.body()).get("source");
            return source != null && source.isTextual() ? Optional.of(source.asText()) : Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
