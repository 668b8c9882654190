package dev.ccp.proxy.mitm;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Claims the connections of the proxy's port that open with {@code CONNECT }; Helidon asks it before
 * its HTTP/1.1 selector. A CONNECT is a tunnel, not a request: after it the connection carries
 * another protocol (TLS), which Helidon's HTTP/1.1 connection cannot hand over.
 */
final class ConnectSelector implements ServerConnectionSelector {
    private static final byte[] CONNECT = "CONNECT ".getBytes(StandardCharsets.US_ASCII);

    private final Interception interception;

    ConnectSelector(Interception interception) {
        this.interception = interception;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return CONNECT.length;
    }

    @Override
    public Support supports(BufferData data) {
        for (byte b : CONNECT) {
            if (data.read() != b) {
                return Support.UNSUPPORTED;
            }
        }
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new ConnectConnection(ctx, interception);
    }
}
