package dev.ccp.cli.dashboard;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.client.ClientEnvironment;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.LoopbackHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** {@code cc dashboard [--open] [PORT]}: the dashboard's URL, opened in the desktop's browser on request. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Print the URL of the proxy's dashboard (charts, live requests, each request's event trail).",
                "With --open, also open it in the desktop's browser (xdg-open, or open on macOS)."})
public final class DashboardCommand extends CcSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT",
            description = "Proxy port (default: CCP_PORT, else MITM_PORT, else 8082).")
    Integer port;

    @Option(names = "--open", description = "Open the URL in the desktop's browser.")
    boolean open;

    public DashboardCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        int p = ClientEnvironment.port(port, ctx);
        String url = "http://127.0.0.1:" + p + "/dashboard";
        out().println(url);
        out().flush();
        if (!answers(p)) {
            err().println("[ccp] no proxy answers on 127.0.0.1:" + p + " yet: start it with 'make run' or 'bin/cc on'");
            err().flush();
        }
        if (open) {
            List<String> opener = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac")
                    ? List.of("open", url) : List.of("xdg-open", url);
            try {
                Process proc = new ProcessBuilder(opener).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (proc.waitFor() != 0) {
                    throw CommandFailure.of(opener.getFirst() + " could not open " + url + "; open it in a browser yourself");
                }
            } catch (IOException e) {
                throw CommandFailure.of("no " + opener.getFirst() + " here to open a browser; open " + url + " yourself");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CommandFailure.of("interrupted");
            }
        }
        return 0;
    }

    private static boolean answers(int port) {
        try {
            return LoopbackHttp.get(port, "/healthz", Duration.ofMillis(500), Duration.ofSeconds(1)).status() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
