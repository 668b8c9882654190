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
    /** Read-only in an empty install: none starts a process or changes a running proxy. */
    private static final List<List<String>> COMMANDS = List.of(
            List.of("--help"), List.of("--version"), List.of("env"), List.of("env", "--json"), List.of("env", "--mitm"),
            List.of("ca"), List.of("status"), List.of("status", "--json"), List.of("usage"), List.of("usage", "--cost"),
            List.of("providers"), List.of("providers", "--json"), List.of("model"), List.of("db", "status"),
            List.of("verify-routing"), List.of("partials"), List.of("license", "status"), List.of("dashboard"),
            List.of("samples"), List.of("completion"), List.of("db"), List.of("no-such-command"),
            List.of("model", "--no-such-option"));

    private ClassCacheTraining() {
    }

    public static void main(String[] args) throws IOException, ClassNotFoundException {
        Class.forName(Main.class.getName()); // bin/cc's entry point, which the run below does not go through
        Path scratch = Files.createTempDirectory("ccp-class-cache");
        CcpPaths paths = CcpPaths.under(scratch);
        Map<String, String> env = Map.of("HOME", scratch.toString(), "CCP_HOME", scratch.toString());
        CliContext ctx = new CliContext(env, paths, InstantSource.system());
        PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream());
        List<List<String>> commands = new java.util.ArrayList<>(COMMANDS);
        // Every command's --help: what picocli loads to build and print each one.
        CcCommand.SUBCOMMANDS.keySet().forEach(name -> commands.add(List.of(name, "--help")));
        for (List<String> command : commands) {
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
