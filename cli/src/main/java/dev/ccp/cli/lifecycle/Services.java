package dev.ccp.cli.lifecycle;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CommandFailure;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The background processes {@code cc on} starts and {@code cc off} stops (the shipper only in team
 * mode, when {@code CCP_KAFKA_BOOTSTRAP} is set), their pid files
 * ({@code logs/ccp-proxy.pid}, {@code logs/ccp-projector.pid}) and their output files
 * ({@code logs/ccp-proxy.log}, {@code logs/ccp-projector.log}).
 *
 * <p>They run through {@code bin/ccp-proxy} and {@code bin/ccp-projector}. With {@code CCP_LAUNCH_CLASSPATH}
 * set (development and tests, where the jars are not packaged yet) they run as
 * {@code java $CCP_LAUNCH_JVM_ARGS -cp $CCP_LAUNCH_CLASSPATH <main class>} with this JVM's java instead: the
 * same main classes, real separate processes.
 */
final class Services {
    enum Service {
        PROXY("ccp-proxy", "dev.ccp.proxy.Main"),
        PROJECTOR("ccp-projector", "dev.ccp.projector.Main"),
        /** Started only in team mode (CCP_KAFKA_BOOTSTRAP set). */
        SHIPPER("ccp-ship", "dev.ccp.ship.Main");

        final String name;
        final String mainClass;

        Service(String name, String mainClass) {
            this.name = name;
            this.mainClass = mainClass;
        }
    }

    private final CliContext ctx;

    Services(CliContext ctx) {
        this.ctx = ctx;
    }

    Path pidFile(Service s) {
        return ctx.paths().logDir().resolve(s.name + ".pid");
    }

    Path logFile(Service s) {
        return ctx.paths().logDir().resolve(s.name + ".log");
    }

    Path envFile() {
        return ctx.paths().logDir().resolve("ccp.env");
    }

    /** The live process a pid file names, if it still runs and looks like ours; a stale pid file is removed. */
    Optional<ProcessHandle> running(Service s) {
        Path f = pidFile(s);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(f).strip());
        } catch (IOException | NumberFormatException e) {
            deleteQuietly(f);
            return Optional.empty();
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(Services::looksLikeCcp);
        if (p.isEmpty()) {
            deleteQuietly(f);
        }
        return p;
    }

    /** A reused pid of some other program must not be stopped: the command line, when the OS tells it, names ccp. */
    private static boolean looksLikeCcp(ProcessHandle p) {
        // Without a command line (some systems hide it) the pid is trusted: the file is ours and recent.
        return p.info().commandLine().map(c -> c.contains("ccp")).orElse(true);
    }

    Process start(Service s, List<String> args) {
        List<String> command = new ArrayList<>();
        String classpath = ctx.var("CCP_LAUNCH_CLASSPATH");
        if (classpath != null) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String jvmArgs = ctx.var("CCP_LAUNCH_JVM_ARGS");
            if (jvmArgs != null) {
                command.addAll(List.of(jvmArgs.strip().split("\\s+")));
            }
            command.add("-Dccp.home=" + ctx.paths().home());
            command.add("-cp");
            command.add(classpath);
            command.add(s.mainClass);
        } else {
            Path launcher = ctx.paths().home().resolve("bin").resolve(s.name);
            if (!Files.isExecutable(launcher)) {
                throw CommandFailure.of("cannot start " + s.name + ": " + launcher + " is missing or not executable");
            }
            command.add(launcher.toString());
        }
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(ctx.paths().home().toFile());
        Map<String, String> env = new HashMap<>(ctx.env());
        // The children must use exactly this command's files, wherever they would resolve them by default.
        env.put("CCP_HOME", ctx.paths().home().toString());
        env.put("CCP_LOG_DIR", ctx.paths().logDir().toString());
        env.put("CCP_DB_PATH", ctx.paths().dbPath().toString());
        env.put("CCP_RESULTS_DIR", ctx.paths().resultsDir().toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(new File("/dev/null"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(s).toFile()));
        try {
            Files.createDirectories(ctx.paths().logDir());
            Process p = pb.start();
            Files.writeString(pidFile(s), p.pid() + "\n", StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw CommandFailure.of("cannot start " + s.name + " (" + e.getMessage() + ")");
        }
    }

    /** The last non-blank line the service wrote, to say why it stopped. */
    String lastLogLine(Service s) {
        try {
            List<String> lines = Files.readAllLines(logFile(s), StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
        } catch (IOException ignored) {
            // No log: nothing to quote.
        }
        return "no output";
    }

    static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // Stale file stays; the next run reports it again.
        }
    }
}
