package dev.ccp.cli;

import dev.ccp.events.CcpPaths;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code cc} in-process against a temp folder, an explicit environment and a fixed clock. */
public final class CcRunner {
    public record Result(int exit, String out, String err) {
        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;
    private final CcpPaths paths;
    private InstantSource clock;

    public CcRunner(Path root, InstantSource clock) {
        this.env = new HashMap<>(Map.of("HOME", root.resolve("home").toString()));
        this.paths = CcpPaths.under(root);
        this.clock = clock;
    }

    public CcRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public CcRunner clock(InstantSource clock) {
        this.clock = clock;
        return this;
    }

    public CcpPaths paths() {
        return paths;
    }

    public CliContext context() {
        return new CliContext(env, paths, clock);
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(context(), new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }
}
