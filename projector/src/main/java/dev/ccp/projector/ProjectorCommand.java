package dev.ccp.projector;

import dev.ccp.events.CcpPaths;
import dev.ccp.projector.metrics.MetricsServer;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.readmodel.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The projector's command line. Exit status: 0 done, 2 bad usage or a run that cannot go on (one line, no trace). */
@Command(name = "ccp-projector", mixinStandardHelpOptions = true, version = "ccp-projector 0.1.0",
        description = {"Follows logs/queue and builds logs/usage.jsonl, logs/ccp.sqlite3,",
                "results/METRICS.json and logs/partials/, each exactly once with its own",
                "checkpoint. See docs/PROJECTIONS.md."})
final class ProjectorCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--once", description = "catch up with the log, publish everything and exit")
    boolean once;

    @Option(names = "--rebuild", description = "wipe the projections and rebuild them from the first event (then exit, unless --follow)")
    boolean rebuild;

    @Option(names = "--follow", description = "with --rebuild: keep following the log afterwards")
    boolean follow;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "run only these projections: usage-jsonl,sqlite,metrics,partials (default: all)")
    List<String> only = List.of();

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:CCP_PROJECTOR_METRICS_PORT:-8083}",
            description = "port of GET /metrics and /healthz on 127.0.0.1 (0 = off; default CCP_PROJECTOR_METRICS_PORT, else 8083)")
    int metricsPort;

    @Option(names = "--report", paramLabel = "FORMAT",
            description = "json: with --once or --rebuild, write progress, the summary and any error as JSON lines on stdout (for cc)")
    String report;

    @Option(names = "--progress", negatable = true, description = "show a progress bar (default: when stdout is a terminal)")
    Boolean progress;

    static int execute(String[] args) {
        CommandLine cl = new CommandLine(new ProjectorCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("ccp-projector: " + oneLine(e));
            return 2;
        });
        cl.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("ccp-projector: " + e.getMessage() + " (see --help)");
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if (report != null) {
            if (!report.equals("json") || follow || !(once || rebuild)) {
                System.err.println("ccp-projector: --report json goes with --once or --rebuild (without --follow)");
                return 2;
            }
            return JsonReport.run(once, rebuild, only);
        }
        Settings settings;
        Set<String> selected;
        try {
            settings = Settings.fromEnvironment();
            selected = new LinkedHashSet<>(Projector.select(only));
        } catch (IllegalArgumentException e) {
            System.err.println("ccp-projector: " + e.getMessage());
            return 2;
        }
        CcpPaths paths = CcpPaths.fromEnvironment();
        Progress bar = showProgress() ? new ProgressBar(System.out) : Progress.NONE;
        if (once || (rebuild && !follow)) {
            Summary s = rebuild
                    ? Projector.rebuild(paths, selected, settings, bar)
                    : Projector.catchUp(paths, selected, settings, bar);
            finishBar(bar);
            System.out.printf("ccp-projector: %s %d events (%d unreadable skipped) into %s in %.1f s (%,.0f events/s)%n",
                    rebuild ? "rebuilt from" : "applied", s.applied(), s.unreadable(), String.join(",", s.projections()),
                    s.nanos() / 1e9, s.eventsPerSecond());
            return 0;
        }
        return follow(paths, selected, settings, bar);
    }

    private int follow(CcpPaths paths, Set<String> selected, Settings settings, Progress bar) {
        ProjectorMetrics metrics = new ProjectorMetrics(() -> Database.sizeBytes(paths.dbPath()));
        MetricsServer server = null;
        if (metricsPort > 0) {
            try {
                server = MetricsServer.start(metricsPort, metrics);
            } catch (IOException e) {
                System.err.println("ccp-projector: cannot listen on 127.0.0.1:" + metricsPort + " for metrics ("
                        + e.getMessage() + "); pick another with --metrics-port or 0 to turn it off");
                return 2;
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ccp-projector-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("ccp-projector: following " + paths.queueDir() + " into " + String.join(",", selected)
                + (server != null ? "; metrics on http://127.0.0.1:" + server.port() + "/metrics" : ""));
        System.out.flush();
        try {
            Projector.follow(paths, selected, settings, rebuild, rebuild ? bar : Progress.NONE, metrics, stop::get);
            return 0;
        } finally {
            if (server != null) {
                server.close();
            }
            stopped.countDown();
        }
    }

    private boolean showProgress() {
        if (progress != null) {
            return progress;
        }
        return (rebuild || once) && ProgressBar.isTerminal();
    }

    private static void finishBar(Progress bar) {
        if (bar instanceof ProgressBar b) {
            b.finish();
        }
    }

    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** A one-line bar redrawn with a carriage return: {@code [#####.....]  52%  1,234,567/2,400,000 events  310,000 events/s}. */
    static final class ProgressBar implements Progress {
        private final PrintStream out;
        private boolean drawn;

        ProgressBar(PrintStream out) {
            this.out = out;
        }

        static boolean isTerminal() {
            java.io.Console console = System.console();
            if (console == null) {
                return false;
            }
            try {
                // JDK 22+ returns a console even when redirected; isTerminal() tells them apart.
                return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }

        @Override
        public void update(long done, long total, double eventsPerSecond) {
            int width = 30;
            double f = total == 0 ? 1 : Math.min(1, (double) done / total);
            int filled = (int) Math.round(f * width);
            out.printf("\r[%s%s] %3d%%  %,d/%,d events  %,.0f events/s ", "#".repeat(filled), ".".repeat(width - filled),
                    Math.round(f * 100), done, total, eventsPerSecond);
            out.flush();
            drawn = true;
        }

        void finish() {
            if (drawn) {
                out.println();
            }
        }
    }
}
