package dev.ccp.kafkadev;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The development broker ({@link KafkaDevMain}) as a separate OS process, for tests and benchmarks:
 * started on a free loopback port with its data in a folder, stopped and started again on the same
 * port and folder (so clients reconnect and topics survive), or killed.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    private BrokerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a broker with its data in {@code dir} on a free port and waits until it serves clients. */
    public static BrokerProcess start(Path dir) {
        BrokerProcess b = new BrokerProcess(dir, freePort());
        b.startAgain();
        return b;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts it again (same port, same data) and waits until it serves clients. */
    public synchronized void startAgain() {
        if (isRunning()) {
            throw new IllegalStateException("the broker is running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KafkaDevMain.class.getName());
        command.addAll(List.of("--port", Integer.toString(port), "--dir", dir.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker", e);
        }
        Process p = process;
        Thread.ofVirtual().name("kafka-dev-output").start(() -> {
            try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // The broker is gone; what it printed is kept.
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        int seen = output.size();
        while (System.nanoTime() < deadline) {
            for (int i = seen; i < output.size(); i++) {
                if (output.get(i).startsWith("ccp-kafka-dev: ready")) {
                    return;
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the broker exited with " + p.exitValue() + ": " + tail());
            }
            try {
                p.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the broker started");
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the broker did not start within 180 s: " + tail());
    }

    /** SIGTERM and wait: a clean stop. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGKILL. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the broker printed (its warnings and errors). */
    public List<String> output() {
        return List.copyOf(output);
    }

    private String tail() {
        List<String> o = output();
        return String.join(" | ", o.subList(Math.max(0, o.size() - 5), o.size()));
    }

    @Override
    public void close() {
        kill();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
