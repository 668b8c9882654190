package dev.ccp.cli.lifecycle;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.client.ClientEnvironment;
import dev.ccp.cli.report.UsageBudget;
import dev.ccp.cli.report.UsageReport;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.LoopbackHttp;
import dev.ccp.events.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** {@code cc on [PORT]}: the guide's ccc-on in one shot. */
@Command(name = "on", mixinStandardHelpOptions = true,
        description = {"Start the proxy and the projector in the background; print the usage banner.",
                "Pid files and output go under logs/. It waits until the proxy's /healthz answers, writes",
                "logs/ccp.env (the 'cc env' lines: source it to point a shell at the proxy) and prints the banner.",
                "Does nothing if they already run. The proxy takes its other settings from the environment",
                "(ZAI_API_KEY, ZAI_HEADER_MODE, OFFLOAD_PAUSED, MITM_FORCE_H1, CCP_PROVIDERS_FILE, ...).",
                "CCP_ON_TIMEOUT (default 120s) bounds the wait."})
public final class OnCommand extends CcSubcommand {
    @Parameters(arity = "0..1", paramLabel = "PORT", description = "The proxy's port (default CCP_PORT, else MITM_PORT, else 8082).")
    Integer port;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "8083",
            description = "The projector's Prometheus /metrics port (default 8083; 0 = off).")
    int metricsPort;

    @Mixin
    JsonOption json;

    public OnCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        int p = ClientEnvironment.port(port, ctx);
        Services services = new Services(ctx);
        Optional<ProcessHandle> proxy = services.running(Services.Service.PROXY);
        Optional<ProcessHandle> projector = services.running(Services.Service.PROJECTOR);
        if (proxy.isPresent() && projector.isPresent()) {
            report(false, proxy.get().pid(), projector.get().pid(), null, services);
            return ExitCodes.OK;
        }
        Duration timeout = Durations.fromEnv(ctx.env(), "CCP_ON_TIMEOUT", Duration.ofSeconds(120));
        URI health = URI.create("http://127.0.0.1:" + p + "/healthz");
        if (proxy.isEmpty() && answers(p)) {
            throw CommandFailure.of("something already answers on port " + p + " (a proxy started outside 'cc on'?):"
                    + " stop it, or give another PORT");
        }
        Process startedProjector = null;
        Process startedProxy = null;
        if (projector.isEmpty()) {
            startedProjector = services.start(Services.Service.PROJECTOR, List.of("--metrics-port", String.valueOf(metricsPort)));
        }
        if (proxy.isEmpty()) {
            startedProxy = services.start(Services.Service.PROXY, List.of("--port", String.valueOf(p)));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (startedProxy != null && !startedProxy.isAlive()) {
                stopAll(services);
                throw CommandFailure.of("the proxy stopped while starting: " + services.lastLogLine(Services.Service.PROXY)
                        + " (see " + services.logFile(Services.Service.PROXY) + ")");
            }
            if (startedProjector != null && !startedProjector.isAlive()) {
                stopAll(services);
                throw CommandFailure.of("the projector stopped while starting: " + services.lastLogLine(Services.Service.PROJECTOR)
                        + " (see " + services.logFile(Services.Service.PROJECTOR) + ")");
            }
            if (answers(p)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                stopAll(services);
                throw CommandFailure.of("the proxy did not answer " + health + " within " + timeout.toSeconds()
                        + " s (CCP_ON_TIMEOUT); see " + services.logFile(Services.Service.PROXY));
            }
            // Polling a local port; the processes start in a second or two (longer on a first build).
            LockSupport.parkNanos(100_000_000L);
        }
        startShipperInTeamMode(services);
        Files.writeString(services.envFile(), ClientEnvironment.shellScript(p));
        long proxyPid = startedProxy != null ? startedProxy.pid() : proxy.orElseThrow().pid();
        long projectorPid = startedProjector != null ? startedProjector.pid() : projector.orElseThrow().pid();
        report(true, proxyPid, projectorPid, p, services);
        return ExitCodes.OK;
    }

    private void report(boolean started, long proxyPid, long projectorPid, Integer p, Services services) {
        String banner = banner();
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("started", started);
            doc.put("proxy_pid", proxyPid);
            doc.put("projector_pid", projectorPid);
            doc.put("base_url", p == null ? baseUrlFromEnvFile(services) : "http://127.0.0.1:" + p);
            doc.put("env_file", services.envFile().toString());
            doc.put("banner", banner);
            Json.print(out(), doc);
            return;
        }
        if (started) {
            out().println("ccp on: proxy pid " + proxyPid + " on http://127.0.0.1:" + p + ", projector pid " + projectorPid
                    + "; output in " + services.logFile(Services.Service.PROXY).getParent());
            out().println("env: source " + services.envFile() + "   (or: eval \"$(bin/cc env " + p + ")\")");
        } else {
            out().println("ccp is already running: proxy pid " + proxyPid + " (" + baseUrlFromEnvFile(services)
                    + "), projector pid " + projectorPid + "; 'cc off' stops both");
        }
        out().println(banner);
    }

    private String banner() {
        try {
            return UsageReport.read(ctx, UsageBudget.load(ctx)).banner();
        } catch (CommandFailure e) {
            // Right after a first start the projector may not have created its tables yet.
            return e.getMessage().startsWith("no projections yet") ? "ccp usage: nothing projected yet" : "ccp usage: " + e.getMessage();
        }
    }

    private static String baseUrlFromEnvFile(Services services) {
        try {
            return Files.readAllLines(services.envFile()).stream()
                    .filter(l -> l.startsWith("export ANTHROPIC_BASE_URL="))
                    .map(l -> l.substring("export ANTHROPIC_BASE_URL=".length())).findFirst().orElse("port unknown");
        } catch (IOException e) {
            return "port unknown";
        }
    }

    private static boolean answers(int port) {
        try {
            return LoopbackHttp.get(port, "/healthz", Duration.ofSeconds(2), Duration.ofSeconds(2)).status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Team mode: with CCP_KAFKA_BOOTSTRAP set, the shipper copies the local log to the team topic. It
     * retries on its own while Kafka is unreachable, so it is started and left to it.
     */
    private void startShipperInTeamMode(Services services) {
        String bootstrap = ctx.var("CCP_KAFKA_BOOTSTRAP");
        if (bootstrap == null || bootstrap.isBlank() || services.running(Services.Service.SHIPPER).isPresent()) {
            return;
        }
        Process shipper = services.start(Services.Service.SHIPPER, List.of());
        out().println("ccp on: team mode, shipper pid " + shipper.pid() + " ships the log to " + bootstrap
                + " (output in " + services.logFile(Services.Service.SHIPPER) + ")");
    }

    private static void stopAll(Services services) {
        OffCommand.stop(services, Services.Service.PROXY);
        OffCommand.stop(services, Services.Service.PROJECTOR);
        OffCommand.stop(services, Services.Service.SHIPPER);
    }
}
