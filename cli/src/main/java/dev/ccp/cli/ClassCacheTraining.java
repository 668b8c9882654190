package dev.ccp.cli;

import dev.ccp.events.CcpPaths;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The training run behind {@code make build}'s class cache for {@code bin/cc}: runs the everyday
 * read-only commands once each, in an empty scratch install, so the JVM records the classes they
 * load. Nothing it prints is kept, and it touches no real install.
 */
public final class ClassCacheTraining {
    private static final List<List<String>> COMMANDS = List.of(
            List.of("--help"), List.of("env"), List.of("status"), List.of("usage"), List.of("providers"),
            List.of("model"), List.of("db", "status"), List.of("verify-routing"), List.of("partials"),
            List.of("license", "status"), List.of("quotas", "--help"), List.of("summarize", "--help"),
            List.of("no-such-command"));

    private ClassCacheTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path scratch = Files.createTempDirectory("ccp-class-cache");
        CcpPaths paths = CcpPaths.under(scratch);
        Map<String, String> env = Map.of("HOME", scratch.toString(), "CCP_HOME", scratch.toString());
        CliContext ctx = new CliContext(env, paths, InstantSource.system());
        PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream());
        for (List<String> command : COMMANDS) {
            try {
                Cli.run(ctx, discard, discard, command.toArray(String[]::new));
            } catch (RuntimeException ignored) {
                // A command that cannot run in an empty install has still loaded what it needs.
            }
        }
        deleteTree(scratch);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
