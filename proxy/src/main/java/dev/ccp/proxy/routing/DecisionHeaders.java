package dev.ccp.proxy.routing;

import java.util.function.BiConsumer;

/**
 * Response headers a feature adds for a request, from the decision that finally served it (for
 * example {@code x-ccp-quota-warn}). Called once per request, after the attempts and before any byte
 * reaches the client; it must not block.
 */
@FunctionalInterface
public interface DecisionHeaders {
    DecisionHeaders NONE = (request, decision, header) -> {
    };

    void add(RouteRequest request, RouteDecision decision, BiConsumer<String, String> header);

    default DecisionHeaders andThen(DecisionHeaders next) {
        return (request, decision, header) -> {
            add(request, decision, header);
            next.add(request, decision, header);
        };
    }
}
