package dev.ccp.events;

/**
 * The vocabulary of {@link Event.RouteDecided#decision()} as text; {@link Decision} is the same as a type
 * (and says what each means). Documented in docs/EVENTS.md.
 */
public final class Decisions {
    public static final String MODEL_ROUTE = "model_route";
    public static final String DEFAULT_ROUTE = "default_route";
    public static final String PAUSED = "paused";
    public static final String MISSING_CREDENTIALS = "missing_credentials";
    public static final String REJECTED = "rejected";
    public static final String MANUAL_OVERRIDE = "manual_override";
    public static final String LICENSE_BLOCK = "license_block";
    public static final String FALLBACK_UNSUPPORTED = "fallback_unsupported";
    public static final String QUOTA_BLOCK = "quota_block";
    public static final String REROUTED_ON_LIMIT = "rerouted_on_limit";
    public static final String FALLBACK_401 = "fallback_401";
    public static final String WINDOW_OFFLOAD = "window_offload";

    private Decisions() {
    }
}
