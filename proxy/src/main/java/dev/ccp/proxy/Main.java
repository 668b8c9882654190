package dev.ccp.proxy;

/** Starts the proxy: builds its config and server, and nothing else. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (ProxyConfig.helpAsked(args)) {
            System.out.println(ProxyConfig.USAGE);
            return;
        }
        ProxyServer server;
        try {
            ProxyConfig config = ProxyConfig.from(args, System.getenv());
            server = ProxyServer.start(config);
            System.err.println(server.control().license().logLine());
            server.warnings().forEach(w -> System.err.println("[ccp] " + w));
            System.err.println("[ccp] proxy listening on http://" + config.host() + ":" + server.port()
                    + " (catalog " + server.context().policy().catalog().source() + ", events in "
                    + config.paths().queueDir() + ")");
        } catch (RuntimeException e) {
            System.err.println("[ccp] proxy cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        ProxyServer running = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.stop("shutdown"), "ccp-shutdown"));
    }
}
