package dev.ccp.proxy.upstream;

/** An attempt that got no usable response head. The message names the provider and never a credential. */
public final class UpstreamException extends Exception {
    /** Why no response came. */
    public enum Kind {
        /** Could not connect (refused, unknown host, dial or TLS timeout). */
        CONNECT,
        /** Connected, but the head (or the next bytes) did not come in time. */
        TIMEOUT,
        /** The connection broke. */
        IO
    }

    private final Kind kind;
    private final String provider;

    public UpstreamException(Kind kind, String provider, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.provider = provider;
    }

    public Kind kind() {
        return kind;
    }

    public String provider() {
        return provider;
    }

    /** The UpstreamAttempt outcome word. */
    public String outcome() {
        return switch (kind) {
            case CONNECT -> "connect_error";
            case TIMEOUT -> "timeout";
            case IO -> "io_error";
        };
    }

    private static final String UNRESOLVED = "Failed to get address for host";

    /** Classifies a failure of the HTTP client. */
    static UpstreamException classify(Throwable t, String provider, boolean headReceived) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            // Helidon's resolver reports a host that does not resolve this way, with no cause attached.
            if (c instanceof IllegalArgumentException && String.valueOf(c.getMessage()).startsWith(UNRESOLVED)) {
                return new UpstreamException(Kind.CONNECT, provider, "provider " + provider + " is unreachable (unknown host "
                        + c.getMessage().substring(UNRESOLVED.length()).trim() + ")", t);
            }
            if (c instanceof java.net.ConnectException || c instanceof java.net.UnknownHostException
                    || c instanceof java.net.NoRouteToHostException || c instanceof javax.net.ssl.SSLHandshakeException) {
                return new UpstreamException(Kind.CONNECT, provider,
                        "provider " + provider + " is unreachable (" + c.getClass().getSimpleName()
                                + (c.getMessage() == null ? "" : ": " + c.getMessage()) + ")", t);
            }
            if (c instanceof java.net.SocketTimeoutException) {
                String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (!headReceived && m.contains("connect")) {
                    return new UpstreamException(Kind.CONNECT, provider,
                            "provider " + provider + " is unreachable (connect timed out)", t);
                }
                return new UpstreamException(Kind.TIMEOUT, provider, "provider " + provider + " timed out", t);
            }
        }
        return new UpstreamException(Kind.IO, provider, "provider " + provider + " connection failed ("
                + t.getClass().getSimpleName() + ")", t);
    }
}
