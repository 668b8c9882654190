package dev.ccp.proxy.mitm;

import dev.ccp.policy.ca.InterceptedHosts;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Interception mode as the proxy wires it: the CONNECT selector for the proxy's port, the TLS of the
 * interception listener (named {@value #SOCKET}, loopback, any free port, same routing), the CA
 * behind it, and the tunnel counter {@code ccp_tunnels_total{host}}.
 */
public final class Interception {
    /** The name of the interception listener; requests it serves are in mode {@value #MODE_HTTPS_PROXY}. */
    public static final String SOCKET = "ccp-interception";
    public static final String MODE_BASE_URL = dev.ccp.events.Event.RequestReceived.MODE_BASE_URL;
    public static final String MODE_HTTPS_PROXY = dev.ccp.events.Event.RequestReceived.MODE_HTTPS_PROXY;

    private final MitmSettings settings;
    private final Supplier<Collection<String>> providerUrls;
    private final CaHolder ca;
    private final TunnelRegistry tunnels = new TunnelRegistry();
    private final MeterRegistry metrics;
    private final Counter refusedHandshakes;
    private final AtomicBoolean toldAboutCa = new AtomicBoolean();
    private volatile int listenerPort = -1;

    private Interception(MitmSettings settings, InstantSource clock, MeterRegistry metrics,
                         Supplier<Collection<String>> providerUrls) {
        this.settings = settings;
        this.providerUrls = providerUrls;
        this.metrics = metrics;
        this.ca = new CaHolder(settings.caDir(), clock, this::hosts);
        this.refusedHandshakes = Counter.builder("ccp.mitm.handshake.refused")
                .description("intercepted connections closed by their client after the TLS handshake without a request (it does not trust the ccp CA)")
                .register(metrics);
    }

    /**
     * @param providerUrls the live catalog's provider base URLs (their hosts are intercepted too)
     * @throws IllegalArgumentException naming the variable when CCP_MITM_HOSTS is wrong
     */
    public static Interception create(MitmSettings settings, InstantSource clock, MeterRegistry metrics,
                                      Supplier<Collection<String>> providerUrls) {
        Interception i = new Interception(settings, clock, metrics, providerUrls);
        i.hosts();
        return i;
    }

    /** The mode a request came in by: {@value #MODE_HTTPS_PROXY} on the interception listener, else {@value #MODE_BASE_URL}. */
    public static String modeOf(ServerRequest req) {
        return SOCKET.equals(req.listenerContext().config().name()) ? MODE_HTTPS_PROXY : MODE_BASE_URL;
    }

    public ServerConnectionSelector connectSelector() {
        return new ConnectSelector(this);
    }

    /** TLS for the interception listener: leaves minted by the CA per requested name. */
    public Tls tls() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[]{new LeafKeyManager(ca, tunnels)}, null, null);
            return Tls.builder().sslContext(context).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for interception: " + e.getMessage(), e);
        }
    }

    /**
     * The interception listener's routing: marks the tunnel a request came through as served, then
     * the proxy's own routing.
     */
    public void routing(io.helidon.webserver.http.HttpRouting.Builder routing,
                        java.util.function.Consumer<io.helidon.webserver.http.HttpRouting.Builder> proxyRouting) {
        routing.addFilter((chain, req, res) -> {
            TunnelRegistry.Tunnel t = tunnels.byClientPort(req.remotePeer().port());
            if (t != null) {
                t.served();
            }
            chain.proceed();
        });
        proxyRouting.accept(routing);
    }

    /** Called once the interception listener listens. */
    public void listening(int port) {
        this.listenerPort = port;
    }

    public Path caCertificateFile() {
        return ca.certificateFile();
    }

    MitmSettings settings() {
        return settings;
    }

    int listenerPort() {
        return listenerPort;
    }

    TunnelRegistry tunnels() {
        return tunnels;
    }

    Set<String> hosts() {
        return InterceptedHosts.of(settings.env(), providerUrls.get());
    }

    String hostsText() {
        return String.join(",", new TreeSet<>(hosts()));
    }

    boolean intercepts(String host) {
        return hosts().contains(host);
    }

    void tunnelOpened(String host) {
        Counter.builder("ccp.tunnels").tag("host", host)
                .description("CONNECT tunnels to hosts ccp does not intercept (bytes passed unread)")
                .register(metrics).increment();
    }

    /** Says once in the log what a client that does not trust the CA must set; counts every time. */
    void clientRefusedCa(String host) {
        refusedHandshakes.increment();
        if (toldAboutCa.compareAndSet(false, true)) {
            System.err.println("[ccp] a client closed its TLS connection to " + host + " through ccp's HTTPS proxy without a request:"
                    + " most likely it does not trust the ccp CA. Start it with NODE_EXTRA_CA_CERTS=" + ca.certificateFile()
                    + " (eval \"$(bin/cc env --mitm)\" or source scripts/sub-env.sh PORT --mitm)");
        }
    }
}
