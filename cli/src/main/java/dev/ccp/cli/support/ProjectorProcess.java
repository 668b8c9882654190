package dev.ccp.cli.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.events.CcpPaths;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code bin/ccp-projector --once|--rebuild --report json} as a child process over the
 * command's paths: the cli brings projections up to date the way the operator would, without
 * linking the projector. Its progress comes back line by line; its error is one line.
 */
public final class ProjectorProcess {
    /** What the run did, as the projector reported it. */
    public record Summary(List<String> projections, long applied, long unreadable, long lastIndex, long orphaned, long nanos) {
        public double eventsPerSecond() {
            return nanos == 0 ? 0 : applied * 1e9 / nanos;
        }
    }

    /** Progress of the run: done of total log entries, at rate entries a second. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total, double rate);
    }

    /** The projector stopped with a message; {@code busy} when another projector holds the projections. */
    public static final class Failure extends RuntimeException {
        private final boolean busy;

        Failure(String message, boolean busy) {
            super(message, null, false, false);
            this.busy = busy;
        }

        public boolean busy() {
            return busy;
        }
    }

    private ProjectorProcess() {
    }

    /** {@code --once} over {@code only} (empty: all). */
    public static Summary catchUp(CliContext ctx, Collection<String> only) {
        return run(ctx, "--once", only, (d, t, r) -> {
        });
    }

    /** {@code --rebuild} over {@code only} (empty: all). */
    public static Summary rebuild(CliContext ctx, Collection<String> only, Progress progress) {
        return run(ctx, "--rebuild", only, progress);
    }

    private static Summary run(CliContext ctx, String mode, Collection<String> only, Progress progress) {
        List<String> command = new ArrayList<>(List.of(launcher().toString(), mode, "--report", "json", "--no-progress"));
        if (only != null && !only.isEmpty()) {
            command.add("--only");
            command.add(String.join(",", only));
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.putAll(ctx.env());
        CcpPaths paths = ctx.paths();
        env.put("CCP_HOME", paths.home().toString());
        String launcherHome = System.getProperty("ccp.home");
        if ((launcherHome == null || !Path.of(launcherHome).toAbsolutePath().normalize().equals(paths.home()))
                && !paths.home().toString().matches(".*\\s.*")) {
            // The launcher's -Dccp.home (its checkout) wins over CCP_HOME; the projector must read the same
            // configs (the price table) as this cli. The two differ only when the cli was not started by that
            // launcher (tests); CCP_JAVA_OPTS comes last on its command line, so this -D wins.
            env.put("CCP_JAVA_OPTS", (env.getOrDefault("CCP_JAVA_OPTS", "") + " -Dccp.home=" + paths.home()).strip());
        }
        env.put("CCP_LOG_DIR", paths.logDir().toString());
        env.put("CCP_DB_PATH", paths.dbPath().toString());
        env.put("CCP_RESULTS_DIR", paths.resultsDir().toString());
        Path errors;
        try {
            errors = Files.createTempFile("ccp-projector", ".err");
        } catch (IOException e) {
            throw CommandFailure.of("cannot start the projector: " + e.getMessage());
        }
        pb.redirectError(errors.toFile());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            Summary summary = null;
            String error = null;
            boolean busy = false;
            try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.startsWith("{")) {
                        continue;
                    }
                    JsonNode doc = Json.mapper().readTree(line);
                    if (doc.has("progress")) {
                        JsonNode g = doc.get("progress");
                        progress.update(g.path("done").asLong(), g.path("total").asLong(), g.path("rate").asDouble());
                    } else if (doc.has("summary")) {
                        JsonNode s = doc.get("summary");
                        List<String> names = new ArrayList<>();
                        s.path("projections").forEach(n -> names.add(n.asText()));
                        summary = new Summary(List.copyOf(names), s.path("applied").asLong(), s.path("unreadable").asLong(),
                                s.path("last_index").asLong(), s.path("orphaned").asLong(), s.path("nanos").asLong());
                    } else if (doc.has("error")) {
                        error = doc.get("error").asText();
                        busy = doc.path("busy").asBoolean();
                    }
                }
            }
            int exit = p.waitFor();
            if (error != null) {
                throw new Failure(error, busy);
            }
            if (exit != 0 || summary == null) {
                throw new Failure(lastLine(errors, "ccp-projector exited " + exit), false);
            }
            return summary;
        } catch (IOException e) {
            throw CommandFailure.of("cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.of("interrupted while the projector ran");
        } finally {
            try {
                Files.deleteIfExists(errors);
            } catch (IOException ignored) {
                // A temp file left behind is harmless.
            }
        }
    }

    private static String lastLine(Path file, String otherwise) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                return otherwise;
            }
            String last = lines.getLast();
            return last.startsWith("ccp-projector: ") ? last.substring("ccp-projector: ".length()) : last;
        } catch (IOException e) {
            return otherwise;
        }
    }

    /**
     * {@code bin/ccp-projector} of this checkout: under {@code ccp.home} (set by the bin/ launchers),
     * else above the cli's own classes or jar.
     */
    static Path launcher() {
        String home = System.getProperty("ccp.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "ccp-projector"))) {
            return Path.of(home, "bin", "ccp-projector");
        }
        try {
            Path p = Path.of(ProjectorProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (; p != null; p = p.getParent()) {
                Path bin = p.resolve("bin").resolve("ccp-projector");
                if (Files.isExecutable(bin)) {
                    return bin;
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // Fall through to the one line below.
        }
        throw CommandFailure.of("cannot find bin/ccp-projector: run cc from the ccp checkout (bin/cc)");
    }
}
