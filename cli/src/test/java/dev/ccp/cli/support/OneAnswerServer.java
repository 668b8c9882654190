package dev.ccp.cli.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP/1.1 server on a free loopback port that answers one request with the given bytes, as
 * written (so a test can send an answer in any framing: sized, chunked, or ended by closing), then
 * closes the connection. {@link #request()} is what the client sent: its head and body.
 */
public final class OneAnswerServer implements AutoCloseable {
    private final ServerSocket server;
    private final CompletableFuture<String> request = new CompletableFuture<>();

    public OneAnswerServer(String answer) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> serve(answer.getBytes(StandardCharsets.UTF_8)), "one-answer-server");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The request as received: head, blank line, body (read by its Content-Length). */
    public String request() throws Exception {
        return request.get(10, TimeUnit.SECONDS);
    }

    private void serve(byte[] answer) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                got.write(c);
            }
            String head = got.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            got.write(in.readNBytes(length));
            request.complete(got.toString(StandardCharsets.UTF_8));
            s.getOutputStream().write(answer);
            s.getOutputStream().flush();
        } catch (IOException e) {
            request.completeExceptionally(e);
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
