package dev.ccp.proxy.upstream;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Http1HeadersParser;
import io.helidon.http.WritableHeaders;
import io.helidon.webclient.http1.Http1StatusParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One HTTP/1.1 exchange written directly on a pooled connection: the request head and the client's
 * body bytes go out in one write, the response head is parsed once, and the body is read from the
 * connection's reader by its framing (content length, chunked, or to the end of the connection).
 *
 * <p>Why not Helidon's client request: per request it built a URI, a header map copy, a service chain
 * and a growing buffer, validated every header again and copied the body into the connection's
 * write buffer (about a tenth of the proxy's CPU at saturation, and a third of its allocation). The
 * connection itself (dialing, TLS, the socket) is still Helidon's {@code TcpClientConnection}, lent by
 * {@link ConnectionPool}.
 *
 * <p>What goes out is what Helidon's client sent: the request line with the raw path and query,
 * {@code Host} (host and port), the filtered headers in their order, {@code Content-Length}. The one
 * difference: no {@code User-Agent: Helidon} is added when the client sent none.
 */
final class Http1Exchange {
    /** Larger response heads are refused, as Helidon's client does (its default). */
    static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_STATUS_LINE = 256;
    private static final byte[] HTTP11 = " HTTP/1.1\r\nHost: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COLON = {':', ' '};
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    /** Bodies up to this size go out in the same write as the head (one segment); larger ones after it, uncopied. */
    private static final int COALESCE = 64 * 1024;

    private Http1Exchange() {
    }

    /** The request head (request line, {@code Host}, {@code headers} in order, {@code Content-Length}, blank line), then the body. */
    static Bytes request(String method, String target, String authority, Headers headers, byte[] body, boolean withBody) {
        Bytes out = new Bytes(320 + (withBody ? body.length : 0));
        out.ascii(method).put((byte) ' ').ascii(target).put(HTTP11).ascii(authority).crlf();
        for (Header h : headers) {
            byte[] name = h.headerName().nameBytes();
            if (h.valueCount() == 1) {
                out.put(name).put(COLON).put(h.valueBytes()).crlf();
            } else {
                for (String v : h.allValues()) {
                    out.put(name).put(COLON).ascii(v).crlf();
                }
            }
        }
        out.put(CONTENT_LENGTH).ascii(Integer.toString(body.length)).crlf().crlf();
        if (withBody) {
            out.put(body);
        }
        return out;
    }

    /** Writes the head and the body: one write when the body is small, else the body after the head, uncopied. */
    static void write(HelidonSocket socket, String method, String target, String authority, Headers headers, byte[] body) {
        boolean coalesce = body.length <= COALESCE;
        Bytes request = request(method, target, authority, headers, body, coalesce);
        socket.write(BufferData.create(request.buf, 0, request.len));
        if (!coalesce) {
            socket.write(BufferData.create(body));
        }
    }

    /** A status and headers read from the connection; interim (1xx) responses skipped. */
    record Head(int status, WritableHeaders<?> headers) {
    }

    static Head readHead(DataReader reader) {
        while (true) {
            int status = Http1StatusParser.readStatus(reader, MAX_STATUS_LINE).code();
            WritableHeaders<?> headers = Http1HeadersParser.readHeaders(reader, MAX_HEAD, false);
            if (status >= 200 || status == 101) {
                return new Head(status, headers);
            }
        }
    }

    /** Whether the response may carry a body (RFC 9112 §6.3). */
    static boolean hasBody(String method, int status, Headers headers) {
        if ("HEAD".equals(method) || status < 200 || status == 204 || status == 304) {
            return false;
        }
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        return !(headers.contains(HeaderNames.CONTENT_LENGTH) && headers.contentLength().orElse(-1) == 0);
    }

    /** Whether the connection may carry another exchange after this response. */
    static boolean keepAlive(Headers headers) {
        return !headers.contains(HeaderNames.CONNECTION) || !headers.get(HeaderNames.CONNECTION).allValues().stream()
                .anyMatch(v -> v.toLowerCase(java.util.Locale.ROOT).contains("close"));
    }

    static boolean chunked(Headers headers) {
        if (!headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            return false;
        }
        List<String> values = headers.get(HeaderNames.TRANSFER_ENCODING).allValues();
        String last = values.get(values.size() - 1);
        return last.substring(last.lastIndexOf(',') + 1).trim().equalsIgnoreCase("chunked");
    }

    /**
     * The body by its framing. {@code end} runs once when the body was read to its end (the connection
     * can go back to the pool); a failed read leaves it to the closer.
     */
    static InputStream body(DataReader reader, Headers headers, Runnable end) {
        if (chunked(headers)) {
            return new Chunked(reader, end);
        }
        if (!headers.contains(HeaderNames.TRANSFER_ENCODING) && headers.contains(HeaderNames.CONTENT_LENGTH)) {
            return new Sized(reader, headers.contentLength().orElse(0), end);
        }
        return new ToTheEnd(reader, end);
    }

    /** Copies up to {@code len} bytes that are already read (reading the socket once when none are). */
    private static int take(DataReader reader, byte[] b, int off, int len) {
        if (reader.available() == 0) {
            reader.pullData();
        }
        int n = Math.min(len, reader.available());
        reader.readBuffer(n).read(b, off, n);
        return n;
    }

    private abstract static class Body extends InputStream {
        final DataReader reader;
        private Runnable end;

        Body(DataReader reader, Runnable end) {
            this.reader = reader;
            this.end = end;
        }

        final void ended() {
            Runnable e = end;
            end = null;
            if (e != null) {
                e.run();
            }
        }

        @Override
        public final int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public final int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            try {
                return next(b, off, len);
            } catch (DataReader.InsufficientDataAvailableException e) {
                throw new java.io.EOFException("the provider closed the connection before the end of the body");
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }

        abstract int next(byte[] b, int off, int len) throws IOException;
    }

    private static final class Sized extends Body {
        private long left;

        Sized(DataReader reader, long length, Runnable end) {
            super(reader, end);
            this.left = length;
            if (length == 0) {
                ended();
            }
        }

        @Override
        int next(byte[] b, int off, int len) {
            if (left <= 0) {
                ended();
                return -1;
            }
            int n = take(reader, b, off, (int) Math.min(len, left));
            left -= n;
            if (left == 0) {
                ended();
            }
            return n;
        }
    }

    private static final class Chunked extends Body {
        /** Bytes left in the current chunk; 0 between chunks; -1 after the last. */
        private long left;

        Chunked(DataReader reader, Runnable end) {
            super(reader, end);
        }

        @Override
        int next(byte[] b, int off, int len) throws IOException {
            if (left < 0) {
                return -1;
            }
            if (left == 0) {
                int eol = reader.findNewLine(256);
                if (eol == 256) {
                    throw new IOException("a chunk size line longer than 256 bytes");
                }
                String line = reader.readAsciiString(eol);
                reader.skip(2);
                int ext = line.indexOf(';');
                String hex = (ext < 0 ? line : line.substring(0, ext)).strip();
                try {
                    left = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a chunk size that is not a number: " + line);
                }
                if (left < 0) {
                    throw new IOException("a negative chunk size");
                }
                if (left == 0) {
                    // Trailers, if any, up to the blank line that ends the body.
                    Http1HeadersParser.readHeaders(reader, MAX_HEAD, false);
                    left = -1;
                    ended();
                    return -1;
                }
            }
            int n = take(reader, b, off, (int) Math.min(len, left));
            left -= n;
            if (left == 0) {
                reader.skip(2);
            }
            return n;
        }
    }

    private static final class ToTheEnd extends Body {
        private boolean done;

        ToTheEnd(DataReader reader, Runnable end) {
            super(reader, end);
        }

        @Override
        int next(byte[] b, int off, int len) {
            if (done) {
                return -1;
            }
            try {
                return take(reader, b, off, len);
            } catch (DataReader.InsufficientDataAvailableException e) {
                done = true;
                ended();
                return -1;
            }
        }
    }

    /** A growing byte array for the request head. */
    static final class Bytes {
        private byte[] buf;
        private int len;

        Bytes(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        Bytes put(byte b) {
            room(1);
            buf[len++] = b;
            return this;
        }

        Bytes put(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        Bytes ascii(String s) {
            int n = s.length();
            room(n);
            for (int i = 0; i < n; i++) {
                buf[len++] = (byte) s.charAt(i);
            }
            return this;
        }

        Bytes crlf() {
            room(2);
            buf[len++] = '\r';
            buf[len++] = '\n';
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }
}
