package dev.ccp.proxy.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx in front of the bench's fake provider: the reference reverse proxy that the bench measures
 * ccp against in the same run. One worker, {@code proxy_buffering off} (so a stream is relayed as it
 * comes, as ccp relays it), HTTP/1.1 keep-alive to the upstream, no access log (ccp's event log is
 * its own cost and stays in). Its CPU is that of the master and the worker, read from /proc.
 */
final class NginxReference {
    private NginxReference() {
    }

    /** Starts nginx on a free loopback port, or returns null (saying why) when there is no nginx binary. */
    static ProxyBench.Server start(Path dir, int upstreamPort) throws IOException, InterruptedException {
        Path binary = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"), Path.of("/usr/local/nginx/sbin/nginx"))
                .stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            return null;
        }
        Files.createDirectories(dir.resolve("temp"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String conf = """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/temp/body;
                  proxy_temp_path %1$s/temp/proxy;
                  upstream fake { server 127.0.0.1:%2$d; keepalive 256; }
                  server {
                    listen 127.0.0.1:%3$d;
                    keepalive_requests 1000000;
                    location / {
                      proxy_pass http://fake;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                      proxy_request_buffering off;
                    }
                  }
                }
                """.formatted(dir, upstreamPort, port);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            Thread.sleep(20);
        }
        String version = new String(new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start()
                .getInputStream().readAllBytes()).trim();
        return new ProxyBench.Server("nginx", port, () -> cpuNanos(process.toHandle()),
                version + " (pid " + process.pid() + "): 1 worker, proxy_buffering off, upstream keep-alive", () -> {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                });
    }

    private static boolean listening(int port) {
        try (java.net.Socket ignored = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long cpuNanos(ProcessHandle master) {
        long total = master.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        return total + master.descendants().mapToLong(h -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }
}
