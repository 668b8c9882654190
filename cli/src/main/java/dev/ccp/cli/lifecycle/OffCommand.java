package dev.ccp.cli.lifecycle;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code cc off}: stops what {@code cc on} started, by the pids in its pid files. */
@Command(name = "off", mixinStandardHelpOptions = true,
        description = {"Stop the proxy and the projector that 'cc on' started.",
                "SIGTERM, so the proxy records ProxyStopped and both finish their writes (SIGKILL after 20 s);",
                "their pid files and logs/ccp.env are removed. Says so when nothing runs."})
public final class OffCommand extends CcSubcommand {
    @Mixin
    JsonOption json;

    public OffCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        Services services = new Services(ctx);
        List<String> stopped = new ArrayList<>();
        Map<String, Object> pids = new LinkedHashMap<>();
        // The proxy first: the projector (and the shipper, in team mode) then still take its last events.
        for (Services.Service s : List.of(Services.Service.PROXY, Services.Service.PROJECTOR, Services.Service.SHIPPER)) {
            Long pid = stop(services, s);
            if (pid != null) {
                stopped.add(s.name + " (pid " + pid + ")");
                pids.put(switch (s) {
                    case PROXY -> "proxy_pid";
                    case PROJECTOR -> "projector_pid";
                    case SHIPPER -> "shipper_pid";
                }, pid);
            }
        }
        Services.deleteQuietly(services.envFile());
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("stopped", !stopped.isEmpty());
            doc.putAll(pids);
            Json.print(out(), doc);
        } else if (stopped.isEmpty()) {
            out().println("ccp is not running (no live pid file under " + ctx.paths().logDir() + ")");
        } else {
            out().println("ccp off: stopped " + String.join(" and ", stopped));
        }
        return ExitCodes.OK;
    }

    /** Stops one service by its pid file; returns its pid, or null when it was not running. */
    static Long stop(Services services, Services.Service s) {
        Optional<ProcessHandle> p = services.running(s);
        Services.deleteQuietly(services.pidFile(s));
        if (p.isEmpty()) {
            return null;
        }
        ProcessHandle h = p.get();
        h.destroy();
        try {
            h.onExit().get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            h.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Already gone.
        }
        return h.pid();
    }
}
