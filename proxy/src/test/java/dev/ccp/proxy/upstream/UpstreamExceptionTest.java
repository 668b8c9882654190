package dev.ccp.proxy.upstream;

import dev.ccp.policy.catalog.Provider;
import io.helidon.http.ClientRequestHeaders;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * How a failed attempt is classified, one test per class of failure: by the types in the cause
 * chain and the phase the attempt was in, never by the text of a message. The kind decides 502 or
 * 504 and the UpstreamAttempt outcome; the message names the provider.
 */
class UpstreamExceptionTest {
    private static UpstreamRequest get(Provider p) {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.set(HeaderNames.ACCEPT, "application/json");
        return new UpstreamRequest(p, "GET", "/v1/models", ClientRequestHeaders.create(headers), new byte[0], false);
    }

    @Test
    void aHostThatDoesNotResolveIsAnUnreachableProviderNamingTheHost() {
        try (UpstreamClients clients = new UpstreamClients(Timeouts.defaults(), true)) {
            // The .invalid domain never resolves.
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> clients.send(get(Provider.passthrough("anthropic", "http://api.example.invalid"))));
            assertEquals(UpstreamException.Kind.CONNECT, e.kind());
            assertEquals("connect_error", e.outcome());
            assertEquals("provider anthropic is unreachable (unknown host api.example.invalid)", e.getMessage());
        }
    }

    @Test
    void aRefusedConnectionIsAnUnreachableProvider() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (UpstreamClients clients = new UpstreamClients(Timeouts.defaults(), true)) {
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> clients.send(get(Provider.passthrough("zai", "http://127.0.0.1:" + closedPort))));
            assertEquals(UpstreamException.Kind.CONNECT, e.kind());
            assertEquals(true, e.getMessage().startsWith("provider zai is unreachable (ConnectException"), e.getMessage());
        }
        UpstreamException wrapped = UpstreamException.classify(new UncheckedIOException(new ConnectException("Connection refused")),
                "zai", UpstreamException.Phase.EXCHANGE);
        assertEquals("provider zai is unreachable (ConnectException: Connection refused)", wrapped.getMessage());
    }

    @Test
    void aRefusedTlsHandshakeIsAnUnreachableProvider() {
        UpstreamException e = UpstreamException.classify(new UncheckedIOException("Failed to execute SSL handshake",
                new SSLHandshakeException("PKIX path building failed")), "anthropic", UpstreamException.Phase.CONNECT);
        assertEquals(UpstreamException.Kind.CONNECT, e.kind());
        assertEquals("provider anthropic is unreachable (SSLHandshakeException: PKIX path building failed)", e.getMessage());
    }

    @Test
    void aTimeoutWhileConnectingIsAnUnreachableProviderAndAfterwardsATimeout() {
        SocketTimeoutException timeout = new SocketTimeoutException("Read timed out");
        assertEquals(UpstreamException.Kind.CONNECT,
                UpstreamException.classify(new UncheckedIOException(timeout), "zai", UpstreamException.Phase.CONNECT).kind());
        UpstreamException e = UpstreamException.classify(new UncheckedIOException(timeout), "zai", UpstreamException.Phase.EXCHANGE);
        assertEquals(UpstreamException.Kind.TIMEOUT, e.kind());
        assertEquals("timeout", e.outcome());
        assertEquals("provider zai timed out", e.getMessage());
    }

    @Test
    void aBrokenConnectionIsAnIoErrorWhateverItsMessageSays() {
        UpstreamException eof = UpstreamException.classify(new UncheckedIOException(new EOFException()), "zai",
                UpstreamException.Phase.EXCHANGE);
        assertEquals(UpstreamException.Kind.IO, eof.kind());
        assertEquals("io_error", eof.outcome());
        // A message that mentions a timeout does not make a timeout: only the type does.
        UpstreamException worded = UpstreamException.classify(new IllegalStateException("stream timed out, connection reset"),
                "zai", UpstreamException.Phase.EXCHANGE);
        assertEquals(UpstreamException.Kind.IO, worded.kind());
        assertEquals("provider zai connection failed (IllegalStateException)", worded.getMessage());
        assertEquals(false, UpstreamException.isTimeout(new IllegalStateException("Read timed out")));
        assertEquals(true, UpstreamException.isTimeout(new UncheckedIOException(new SocketTimeoutException())));
    }
}
