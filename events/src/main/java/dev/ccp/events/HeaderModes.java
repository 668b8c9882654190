package dev.ccp.events;

/** How a request's credential was sent upstream: recorded as a mode, never as a value. */
public final class HeaderModes {
    /** The client's own credential headers went through untouched (Anthropic lane). */
    public static final String PASSTHROUGH = "passthrough";
    /** The provider's key was set as {@code x-api-key}. */
    public static final String X_API_KEY = "x-api-key";
    /** The provider's key was set as {@code Authorization: Bearer}. */
    public static final String AUTHORIZATION = "authorization";
    /** No credential was sent (the proxy answered itself). */
    public static final String NONE = "none";

    private HeaderModes() {
    }
}
