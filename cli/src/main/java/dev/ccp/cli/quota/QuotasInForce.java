package dev.ccp.cli.quota;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.JsonValues;
import dev.ccp.cli.support.LoopbackHttp;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaLoader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
            LoopbackHttp.Response res = LoopbackHttp.get(port, "/v1/quotas", Duration.ofSeconds(1), Duration.ofSeconds(3));
            if (res.status() != 200) {
                return Optional.empty();
            }
            Map<String, Object> answer = JsonValues.object(res.body());
            return answer != null && answer.get("source") instanceof String source ? Optional.of(source) : Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
