package dev.ccp.proxy.mitm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The intercepted tunnels open now, by the local port of their connection to the interception
 * listener (which that listener sees as the client's port): how a handshake and a request find the
 * CONNECT they came through.
 */
final class TunnelRegistry {
    private final ConcurrentMap<Integer, Tunnel> open = new ConcurrentHashMap<>();

    static final class Tunnel {
        private final String host;
        private volatile boolean started;
        private volatile boolean served;

        Tunnel(String host) {
            this.host = host;
        }

        String host() {
            return host;
        }

        void handshakeStarted() {
            started = true;
        }

        /** A request came through: the client trusted the leaf. */
        void served() {
            served = true;
        }

        /**
         * The listener presented its certificate and no request ever came: the client refused the
         * certificate. (A TLS 1.3 server's handshake is complete before the client has checked it, so
         * the handshake's own state cannot tell.)
         */
        boolean leftWithoutRequest() {
            return started && !served;
        }
    }

    Tunnel register(int localPort, String host) {
        Tunnel t = new Tunnel(host);
        open.put(localPort, t);
        return t;
    }

    void remove(int localPort) {
        open.remove(localPort);
    }

    Tunnel byClientPort(int port) {
        return open.get(port);
    }
}
