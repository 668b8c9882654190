package dev.ccp.events;

import java.util.Set;

/** The vocabulary of {@link Event.RouteDecided#decision()}. Documented in docs/EVENTS.md. */
public final class Decisions {
    /** A route of the catalog matched the model. */
    public static final String MODEL_ROUTE = "model_route";
    /** No route matched: the default provider serves it. */
    public static final String DEFAULT_ROUTE = "default_route";
    /** Offload is paused (kill switch): everything goes to the default provider. */
    public static final String PAUSED = "paused";
    /** The matched route's key variable is unset: served by the default provider instead. */
    public static final String MISSING_CREDENTIALS = "missing_credentials";
    /** The proxy answered itself (bad input); nothing went upstream. */
    public static final String REJECTED = "rejected";
    /** {@code cc model NAME} is set: the lane is chosen as if the model were NAME. */
    public static final String MANUAL_OVERRIDE = "manual_override";
    /** Community mode: the route needs a licensed feature, so the default provider serves it. */
    public static final String LICENSE_BLOCK = "license_block";
    /** The provider lacks the endpoint (404 on count_tokens): served by the default provider. */
    public static final String FALLBACK_UNSUPPORTED = "fallback_unsupported";
    /** A quota is over its block level: served by the fallback provider. */
    public static final String QUOTA_BLOCK = "quota_block";
    /** The preferred provider answered 429/529/1113 before any byte: retried on the fallback. */
    public static final String REROUTED_ON_LIMIT = "rerouted_on_limit";
    /** Z.AI answered 401 before any byte: served by Anthropic with the client's own credentials. */
    public static final String FALLBACK_401 = "fallback_401";
    /** A conditional route matched while Anthropic's window was nearly spent (the utilisation is in the reason). */
    public static final String WINDOW_OFFLOAD = "window_offload";

    /** Decisions that explain a Haiku request served by the default (Anthropic) lane. */
    public static final Set<String> EXPLAIN_DEFAULT_LANE = Set.of(
            PAUSED, MISSING_CREDENTIALS, LICENSE_BLOCK, FALLBACK_UNSUPPORTED, QUOTA_BLOCK,
            REROUTED_ON_LIMIT, FALLBACK_401, MANUAL_OVERRIDE, REJECTED);

    private Decisions() {
    }
}
