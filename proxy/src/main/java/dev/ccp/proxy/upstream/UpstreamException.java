package dev.ccp.proxy.upstream;

import io.helidon.webclient.http2.StreamTimeoutException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** An attempt that got no usable response head. The message names the provider and never a credential. */
public final class UpstreamException extends Exception {
    /** Why no response came. */
    public enum Kind {
        /** Could not connect (refused, unknown host, dial or TLS timeout, TLS refused). */
        CONNECT("connect_error"),
        /** Connected, but the head (or the next bytes) did not come in time. */
        TIMEOUT("timeout"),
        /** The connection broke. */
        IO("io_error");

        private final String outcome;

        Kind(String outcome) {
            this.outcome = outcome;
        }
    }

    /** Where the attempt was when it failed: a failure while connecting is a connect error whatever its type. */
    enum Phase { CONNECT, EXCHANGE }

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
        return kind.outcome;
    }

    /** Whether {@code t}, or one of its causes, is a timeout: of a socket read, of an HTTP/2 stream, or of a wait. */
    public static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException || c instanceof TimeoutException || c instanceof StreamTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Classifies a failure of the HTTP client by the types in its cause chain, and the phase it happened in. */
    static UpstreamException classify(Throwable t, String provider, Phase phase) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedHostException u) {
                return new UpstreamException(Kind.CONNECT, provider, "provider " + provider + " is unreachable (unknown host "
                        + u.host() + ")", t);
            }
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException
                    || c instanceof SSLException) {
                return new UpstreamException(Kind.CONNECT, provider,
                        "provider " + provider + " is unreachable (" + c.getClass().getSimpleName()
                                + (c.getMessage() == null ? "" : ": " + c.getMessage()) + ")", t);
            }
        }
        if (isTimeout(t)) {
            return phase == Phase.CONNECT
                    ? new UpstreamException(Kind.CONNECT, provider, "provider " + provider + " is unreachable (connect timed out)", t)
                    : new UpstreamException(Kind.TIMEOUT, provider, "provider " + provider + " timed out", t);
        }
        if (phase == Phase.CONNECT) {
            return new UpstreamException(Kind.CONNECT, provider, "provider " + provider + " is unreachable ("
                    + t.getClass().getSimpleName() + ")", t);
        }
        return new UpstreamException(Kind.IO, provider, "provider " + provider + " connection failed ("
                + t.getClass().getSimpleName() + ")", t);
    }
}
