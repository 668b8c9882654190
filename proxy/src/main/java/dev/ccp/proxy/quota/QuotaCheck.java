package dev.ccp.proxy.quota;

import dev.ccp.policy.quota.QuotaLoader;

import dev.ccp.policy.quota.QuotaStanding;
import dev.ccp.policy.quota.QuotaState;
import dev.ccp.events.Decision;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.proxy.routing.DecisionHeaders;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRefusal;
import dev.ccp.proxy.routing.RouteRequest;
import dev.ccp.proxy.routing.RoutingCheck;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Applies the last quota state at routing time: a request whose lane and model are covered by a
 * quota over its block level goes to the quota's fallback (decision {@code quota_block}), or, with
 * no fallback, is refused with a 429 {@code rate_limit_error} naming the quota and when it frees.
 * Over warn, the answer carries {@code x-ccp-quota-warn} and {@code ccp_quota_warn_total} rises.
 */
public final class QuotaCheck implements RoutingCheck, DecisionHeaders {
    /** The check's name in the routing policy (after {@code missing_credentials}). */
    public static final String NAME = "quota";
    public static final String WARN_HEADER = "x-ccp-quota-warn";

    private final QuotaMonitor monitor;
    private final Function<String, String> credentials;
    private final QuotaMetrics metrics;

    public QuotaCheck(QuotaMonitor monitor, Function<String, String> credentials, QuotaMetrics metrics) {
        this.monitor = monitor;
        this.credentials = credentials;
        this.metrics = metrics;
    }

    @Override
    public RouteDecision apply(RouteRequest request, RouteDecision current, Catalog catalog) {
        if (!request.messages()) {
            return current;
        }
        QuotaState state = monitor.state();
        if (state.config().quotas().isEmpty()) {
            return current;
        }
        for (QuotaStanding s : state.covering(current.provider().name(), request.model())) {
            if (!s.block()) {
                continue;
            }
            // Paused means "nothing leaves the default lane": a blocked default lane has no fallback then.
            Optional<Provider> fallback = current.kind() == Decision.PAUSED ? Optional.empty()
                    : Fallbacks.of(state.config(), catalog, current.provider(), s.quota(), credentials)
                    .filter(p -> !laneBlocked(state, p, request.model()));
            if (fallback.isPresent()) {
                metrics.blocked(s.quota().name(), "fallback");
                return current.reroute(Decision.QUOTA_BLOCK, fallback.get(), s.describe() + "; served by " + fallback.get().name());
            }
            metrics.blocked(s.quota().name(), "refused");
            Instant frees = s.freesAt();
            long retryAfter = frees == null ? -1 : Math.max(1, frees.getEpochSecond() - state.at().getEpochSecond());
            throw new RouteRefusal(Decision.QUOTA_BLOCK, 429, "rate_limit_error", "ccp quota " + s.describe()
                    + " is over its block level of " + QuotaLoader.fmt(s.quota().blockPct()) + "% and has no fallback"
                    + (frees == null ? "" : "; it frees at " + frees), retryAfter);
        }
        return current;
    }

    /**
     * A fallback lane is no way out when a quota of that very provider is blocked too. Quotas without a
     * provider (a model glob on any lane) keep counting on the fallback, which is what their fallback is for.
     */
    private static boolean laneBlocked(QuotaState state, Provider p, String model) {
        return state.covering(p.name(), model).stream().anyMatch(o -> p.name().equals(o.quota().provider()) && o.block());
    }

    /** {@code x-ccp-quota-warn: zai-plan=85%;5h rolling, sonnet=91%;weekly} for the quotas over warn that served it. */
    @Override
    public void add(RouteRequest request, RouteDecision decision, BiConsumer<String, String> header) {
        if (!request.messages()) {
            return;
        }
        List<QuotaStanding> covering = monitor.state().covering(decision.provider().name(), request.model());
        StringJoiner warn = new StringJoiner(", ");
        for (QuotaStanding s : covering) {
            if (s.warn()) {
                metrics.warned(s.quota().name());
                warn.add(s.quota().name() + "=" + Math.round(s.percent()) + "%;" + s.bindingWindow());
            }
        }
        if (warn.length() > 0) {
            header.accept(WARN_HEADER, warn.toString());
        }
    }
}
