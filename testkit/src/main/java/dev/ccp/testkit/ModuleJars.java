package dev.ccp.testkit;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the packaged jars ({@code proxy/target/ccp-proxy.jar}, {@code projector/target/ccp-projector.jar})
 * as real processes, the way {@code bin/} does: the cli's and the proxy's tests reach the other
 * processes only like this, never by linking their classes. The reactor builds the projector and
 * the proxy before the modules whose tests start them.
 */
public final class ModuleJars {
    private ModuleJars() {
    }

    /** The packaged jar of {@code module}; its manifest names its libraries. */
    public static Path jar(String module) {
        Path jar = ChildJvm.projectRoot().resolve(module).resolve("target").resolve("ccp-" + module + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the reactor (mvn package) first");
        }
        return jar;
    }

    /** A class path of the modules' packaged jars (each jar's manifest adds its libraries). */
    public static String classpath(String... modules) {
        return String.join(java.io.File.pathSeparator, java.util.Arrays.stream(modules).map(m -> jar(m).toString()).toList());
    }

    /** {@code java <flags> -jar <module jar> args}. */
    public static List<String> command(String module, String... args) {
        Path jar = jar(module);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildJvm.jvmFlags());
        Path own = ChildJvm.projectRoot().resolve("configs").resolve(module + ".jvm.options");
        if (Files.exists(own)) {
            command.add("@" + own);
        }
        command.add("-Xmx256m");
        command.add("-Djava.util.logging.config.file=" + ChildJvm.projectRoot().resolve("configs/logging.properties"));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** The environment that points a process at {@code paths}. */
    public static Map<String, String> env(CcpPaths paths) {
        Map<String, String> env = new HashMap<>();
        env.put("CCP_HOME", paths.home().toString());
        env.put("CCP_LOG_DIR", paths.logDir().toString());
        env.put("CCP_DB_PATH", paths.dbPath().toString());
        env.put("CCP_RESULTS_DIR", paths.resultsDir().toString());
        return env;
    }

    /** Runs {@code ccp-projector --once} (with {@code --only} when given) over {@code paths} and waits for it; fails unless it exits 0. */
    public static void projectOnce(CcpPaths paths, String... only) {
        List<String> args = new ArrayList<>(List.of("--once", "--metrics-port", "0"));
        if (only.length > 0) {
            args.add("--only");
            args.add(String.join(",", only));
        }
        try (ChildJvm projector = ChildJvm.start(command("projector", args.toArray(String[]::new)), env(paths))) {
            if (!projector.process().waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("ccp-projector --once did not finish in 120 s");
            }
            if (projector.process().exitValue() != 0) {
                throw new IllegalStateException("ccp-projector --once exited " + projector.process().exitValue() + ":\n"
                        + String.join("\n", projector.stderr()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
