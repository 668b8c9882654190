package dev.ccp.events.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts a main class in a separate JVM process with this JVM's classpath and the project's
 * Chronicle flags ({@code configs/jvm.options}), so tests exercise real processes, not threads.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        pump(process.inputReader(StandardCharsets.UTF_8), stdout, "stdout");
        pump(process.errorReader(StandardCharsets.UTF_8), stderr, "stderr");
    }

    public static ChildJvm start(Class<?> main, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return start(command, env);
    }

    public static ChildJvm start(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            return new ChildJvm(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.getFirst(), e);
        }
    }

    /** The JVM flags of {@code configs/jvm.options} (and the JDK 24+ addendum when it applies). */
    public static List<String> jvmFlags() {
        Path configs = projectRoot().resolve("configs");
        List<String> flags = new ArrayList<>();
        flags.add("@" + configs.resolve("jvm.options"));
        if (Runtime.version().feature() >= 24) {
            flags.add("@" + configs.resolve("jvm24.options"));
        }
        return flags;
    }

    /** The checkout's root: the {@code ccp.root} property Surefire sets, else found upward from here. */
    public static Path projectRoot() {
        String root = System.getProperty("ccp.root");
        if (root != null && Files.isDirectory(Path.of(root, "configs"))) {
            return Path.of(root);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("configs/jvm.options"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root (configs/jvm.options)");
        }
        return dir;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** Lines printed on stdout so far. */
    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM: shutdown hooks run. */
    public void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private static void pump(BufferedReader reader, List<String> sink, String name) {
        Thread.ofVirtual().name("child-" + name).start(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // The child is gone; what it printed is kept.
            }
        });
    }
}
