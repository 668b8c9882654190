package dev.ccp.proxy.mitm;

import dev.ccp.proxy.http.ApiErrors;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One CONNECT: its head is read and checked, then the connection is piped, byte for byte, to the
 * interception listener (an intercepted host) or to the host itself (a tunnel), until either side
 * closes. Answers of its own: 400 for a malformed CONNECT, 403 for a caller not on loopback, a
 * refused tunnel or an intercepted host on a port other than 443, 502 when the host cannot be reached.
 */
final class ConnectConnection implements ServerConnection {
    private static final int MAX_HEAD = 8 * 1024;
    /** {@code CONNECT host:port HTTP/1.x}; host a name, IPv4 or bracketed IPv6. */
    private static final Pattern LINE = Pattern.compile(
            "CONNECT (\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):([0-9]{1,5}) HTTP/1\\.[01]");
    private static final System.Logger LOG = System.getLogger(ConnectConnection.class.getName());

    private final ConnectionContext ctx;
    private final Interception interception;
    private volatile long lastActivity = System.nanoTime();
    private volatile Socket upstream;
    private volatile boolean closing;

    ConnectConnection(ConnectionContext ctx, Interception interception) {
        this.ctx = ctx;
        this.interception = interception;
    }

    @Override
    public void handle(Limit limit) {
        String head;
        try {
            head = readHead();
        } catch (DataReader.InsufficientDataAvailableException e) {
            return;
        }
        if (head == null) {
            answer(400, "Bad Request", ApiErrors.INVALID_REQUEST, "the CONNECT request head is longer than "
                    + MAX_HEAD + " bytes or not terminated");
            return;
        }
        if (!loopbackCaller()) {
            answer(403, "Forbidden", "permission_error", "ccp accepts CONNECT from this machine (loopback) only");
            return;
        }
        String line = head.substring(0, head.indexOf("\r\n"));
        Matcher m = LINE.matcher(line);
        int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
        if (port < 1 || port > 65_535) {
            answer(400, "Bad Request", ApiErrors.INVALID_REQUEST, "malformed CONNECT line: expected 'CONNECT host:port HTTP/1.1'");
            return;
        }
        String host = m.group(1).toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (interception.intercepts(host)) {
            if (port != 443) {
                // Tunnelling it would carry that host's credentials past ccp unrecorded; it serves only 443.
                answer(403, "Forbidden", "permission_error", host + " is intercepted by ccp, which serves it on port 443 only (asked: "
                        + port + ")");
                return;
            }
            intercept(host);
            return;
        }
        if (!interception.settings().tunnel()) {
            answer(403, "Forbidden", "permission_error", "ccp does not tunnel to " + host + ":" + port
                    + " (" + MitmSettings.TUNNEL_VARIABLE + "=0); it intercepts " + interception.hostsText());
            return;
        }
        tunnel(host, port);
    }

    private void intercept(String host) {
        Socket s;
        try {
            s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), interception.listenerPort()), 2_000);
        } catch (IOException e) {
            answer(502, "Bad Gateway", ApiErrors.API_ERROR, "ccp's interception listener is not reachable: " + e.getMessage());
            return;
        }
        int localPort = s.getLocalPort();
        TunnelRegistry.Tunnel tunnel = interception.tunnels().register(localPort, host);
        try {
            established();
            pipe(s);
        } finally {
            interception.tunnels().remove(localPort);
            if (tunnel.leftWithoutRequest()) {
                interception.clientRefusedCa(host);
            }
        }
    }

    private void tunnel(String host, int port) {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, interception.settings().dial().toMillis()));
        } catch (UnknownHostException e) {
            closeQuietly(s);
            answer(502, "Bad Gateway", ApiErrors.API_ERROR, "cannot tunnel to " + host + ":" + port + " (unknown host)");
            return;
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(s);
            answer(502, "Bad Gateway", ApiErrors.API_ERROR, "cannot tunnel to " + host + ":" + port + " (" + e.getMessage() + ")");
            return;
        }
        interception.tunnelOpened(host);
        established();
        pipe(s);
    }

    private void established() {
        write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** Client to upstream on this thread, upstream to client on a virtual one; ends when either side ends. */
    private void pipe(Socket s) {
        upstream = s;
        Thread back = Thread.ofVirtual().name("ccp-tunnel-back").start(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = s.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    lastActivity = System.nanoTime();
                    if (n > 0) {
                        ctx.dataWriter().writeNow(BufferData.create(java.util.Arrays.copyOf(buf, n)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // One side went away: the other is closed below.
            } finally {
                // Unblocks the reader below: the client's side is done too.
                closeClient();
            }
        });
        DataReader reader = ctx.dataReader();
        try {
            OutputStream out = s.getOutputStream();
            while (!closing) {
                reader.ensureAvailable();
                BufferData data = reader.readBuffer(reader.available());
                lastActivity = System.nanoTime();
                data.writeTo(out);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // The client closed (or the upstream failed): let the upstream see the end.
        }
        try {
            s.shutdownOutput();
        } catch (IOException | RuntimeException ignored) {
            // Already closed.
        }
        try {
            back.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(s);
    }

    /** Reads the head up to its empty line; null when it is too long. */
    private String readHead() {
        DataReader reader = ctx.dataReader();
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (head.size() < MAX_HEAD) {
            byte b = reader.read();
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private boolean loopbackCaller() {
        SocketAddress a = ctx.remotePeer().address();
        return a instanceof InetSocketAddress isa && isa.getAddress() != null && isa.getAddress().isLoopbackAddress();
    }

    private void answer(int status, String reason, String type, String message) {
        byte[] body = ApiErrors.body(type, message);
        byte[] head = ("HTTP/1.1 " + status + " " + reason + "\r\ncontent-type: application/json\r\ncontent-length: "
                + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        write(all);
    }

    private void write(byte[] bytes) {
        try {
            ctx.dataWriter().writeNow(BufferData.create(bytes));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "CONNECT client went away", e);
        }
    }

    private void closeClient() {
        closing = true;
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException ignored) {
            // Already closed.
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(System.nanoTime() - lastActivity);
    }

    @Override
    public void close(boolean interrupt) {
        closing = true;
        Socket s = upstream;
        if (s != null) {
            closeQuietly(s);
        }
        closeClient();
    }
}
