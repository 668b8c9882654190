package dev.ccp.proxy.upstream;

import io.helidon.webclient.api.WebClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a failed attempt is told to the client: the kind decides 502 or 504, the message names the provider. */
class UpstreamExceptionTest {
    @Test
    void aHostThatDoesNotResolveIsAnUnreachableProviderNamingTheHost() {
        // What Helidon's resolver throws for a name with no address (the .invalid domain never resolves).
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> WebClient.builder().build().post("http://api.example.invalid/v1/messages").submit("{}").close());
        UpstreamException e = UpstreamException.classify(failure, "anthropic", false);
        assertEquals(UpstreamException.Kind.CONNECT, e.kind());
        assertEquals("provider anthropic is unreachable (unknown host api.example.invalid)", e.getMessage());
    }

    @Test
    void aRefusedConnectionIsAnUnreachableProvider() {
        UpstreamException e = UpstreamException.classify(new java.net.ConnectException("Connection refused"), "zai", false);
        assertEquals(UpstreamException.Kind.CONNECT, e.kind());
        assertEquals("provider zai is unreachable (ConnectException: Connection refused)", e.getMessage());
    }
}
