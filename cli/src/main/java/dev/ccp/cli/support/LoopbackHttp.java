package dev.ccp.cli.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange with a server on 127.0.0.1 (the running proxy's loopback endpoints), over a
 * plain socket. The JDK's {@code HttpClient} starts an executor, a selector thread and the default TLS
 * context (the whole trust store) before it sends a byte: in a command that lives a fraction of a
 * second that was most of its time. This sends one request with {@code Connection: close} and reads
 * one answer, whether sized by {@code Content-Length}, chunked, or ended by the server closing.
 * <p>
 * A refused connection throws {@link java.net.ConnectException}, a connect or read that takes longer than
 * its limit {@link java.net.SocketTimeoutException}; any other failure, a malformed answer included,
 * an {@link IOException}.
 */
public final class LoopbackHttp {
    /** Answers larger than this are refused rather than held in memory (the loopback endpoints answer a few KB). */
    static final int MAX_BODY = 16 * 1024 * 1024;

    /** The status and the body, decoded as UTF-8. */
    public record Response(int status, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private LoopbackHttp() {
    }

    public static Response get(int port, String path, Duration connectTimeout, Duration readTimeout) throws IOException {
        return exchange(port, "GET", path, null, null, connectTimeout, readTimeout);
    }

    public static Response post(int port, String path, String contentType, String body, Duration connectTimeout,
                                Duration readTimeout) throws IOException {
        return exchange(port, "POST", path, contentType, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                connectTimeout, readTimeout);
    }

    static Response exchange(int port, String method, String path, String contentType, byte[] body,
                             Duration connectTimeout, Duration readTimeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), millis(connectTimeout));
            socket.setSoTimeout(millis(readTimeout));
            socket.setTcpNoDelay(true);
            StringBuilder head = new StringBuilder(160)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("Connection: close\r\n");
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
                if (contentType != null) {
                    head.append("Content-Type: ").append(contentType).append("\r\n");
                }
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()), method);
        }
    }

    /** Reads one answer from {@code in}; the server closes after it ({@code Connection: close}). */
    static Response read(InputStream in, String method) throws IOException {
        while (true) {
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.1 answer: " + printable(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status: " + printable(statusLine));
            }
            long length = -1;
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + printable(h));
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("malformed Content-Length: " + printable(value));
                    }
                } else if (name.equals("transfer-encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                }
            }
            if (status / 100 == 1) {
                continue; // An interim answer (100 Continue): the real one follows.
            }
            byte[] bytes;
            if (method.equals("HEAD") || status == 204 || status == 304) {
                bytes = new byte[0];
            } else if (chunked) {
                bytes = chunks(in);
            } else if (length >= 0) {
                if (length > MAX_BODY) {
                    throw new IOException("an answer of " + length + " bytes is larger than expected");
                }
                bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    throw new EOFException("the answer ended after " + bytes.length + " of its " + length + " bytes");
                }
            } else {
                bytes = untilClosed(in);
            }
            return new Response(status, new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + printable(sizeLine));
            }
            if (size < 0 || body.size() + (long) size > MAX_BODY) {
                throw new IOException("a chunked answer larger than expected");
            }
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // Trailer fields: none is used.
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("the answer ended inside a chunk");
            }
            body.write(chunk);
            if (!line(in).isEmpty()) {
                throw new IOException("a chunk not followed by CRLF");
            }
        }
    }

    private static byte[] untilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            if (body.size() + n > MAX_BODY) {
                throw new IOException("an answer larger than expected");
            }
            body.write(buf, 0, n);
        }
        return body.toByteArray();
    }

    /** One line of the head, without its CRLF (a bare LF is accepted too). */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) {
                throw new EOFException(b.isEmpty() ? "the server closed the connection without an answer"
                        : "the answer ended inside its head");
            }
            if (c == '\n') {
                int end = b.length();
                if (end > 0 && b.charAt(end - 1) == '\r') {
                    b.setLength(end - 1);
                }
                return b.toString();
            }
            if (b.length() == 8192) {
                throw new IOException("an answer's header line longer than 8192 bytes");
            }
            b.append((char) c);
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
