package dev.ccp.proxy.mitm;


import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Presents, for each TLS handshake on the interception listener, a leaf for the name the client
 * asked for (SNI; without SNI, the host of the CONNECT that opened the tunnel). The alias is the
 * host itself. The handshake is also reported to the tunnel it came through, so that a client that
 * leaves after it without a request (it does not trust the CA) can be told apart.
 */
final class LeafKeyManager extends X509ExtendedKeyManager {
    private static final String PREFIX = "ccp-leaf:";

    private final CaHolder ca;
    private final TunnelRegistry tunnels;

    LeafKeyManager(CaHolder ca, TunnelRegistry tunnels) {
        this.ca = ca;
        this.tunnels = tunnels;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        if (!"EC".equals(keyType) || !(socket instanceof SSLSocket ssl)) {
            return null;
        }
        TunnelRegistry.Tunnel tunnel = tunnels.byClientPort(ssl.getPort());
        String host = requestedName(ssl.getHandshakeSession());
        if (host == null && tunnel != null) {
            host = tunnel.host();
        }
        if (host == null || !ca.permits(host)) {
            return null;
        }
        if (tunnel != null) {
            tunnel.handshakeStarted();
        }
        return PREFIX + host;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (!"EC".equals(keyType)) {
            return null;
        }
        TunnelRegistry.Tunnel tunnel = tunnels.byClientPort(engine.getPeerPort());
        String host = requestedName(engine.getHandshakeSession());
        if (host == null && tunnel != null) {
            host = tunnel.host();
        }
        if (host == null || !ca.permits(host)) {
            return null;
        }
        if (tunnel != null) {
            tunnel.handshakeStarted();
        }
        return PREFIX + host;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return alias != null && alias.startsWith(PREFIX) ? ca.current().leafFor(alias.substring(PREFIX.length())).chain() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return alias != null && alias.startsWith(PREFIX) ? ca.current().leafFor(alias.substring(PREFIX.length())).key() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    private static String requestedName(SSLSession session) {
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName name : ext.getRequestedServerNames()) {
                if (name instanceof SNIHostName h) {
                    return h.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

}
