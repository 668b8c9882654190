package dev.ccp.proxy.upstream;

import io.helidon.http.Headers;
import io.helidon.webclient.api.HttpClientResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** A response head received from a provider; its body is read from {@link #body()}. Close to release or cancel. */
public final class UpstreamResponse implements AutoCloseable {
    /** Helidon's response (HTTP/2, or HTTP/1.1 where ALPN chose it), or null for a direct HTTP/1.1 exchange. */
    private final HttpClientResponse response;
    /** The direct HTTP/1.1 exchange's head, body and connection, or null. */
    private final Direct direct;
    private final String http;
    private final long headNanos;
    /** The HTTP/1.1 exchange's timeouts, or null where the socket's read timeout keeps them (HTTP/2). */
    private final ExchangeWatch watch;
    private InputStream body;
    private Runnable onClose;
    private boolean closed;

    /**
     * A response read by {@link Http1Exchange} on a pooled connection.
     *
     * @param body   the body by its framing (null when the response has none)
     * @param closer runs at close: gives the connection back when the body was read to its end, else closes it
     */
    record Direct(int status, Headers headers, InputStream body, Runnable closer) {
    }

    UpstreamResponse(HttpClientResponse response, String http, long headNanos, ExchangeWatch watch) {
        this.response = response;
        this.direct = null;
        this.http = http;
        this.headNanos = headNanos;
        this.watch = watch;
    }

    UpstreamResponse(Direct direct, long headNanos, ExchangeWatch watch) {
        this.response = null;
        this.direct = direct;
        this.http = "h1";
        this.headNanos = headNanos;
        this.watch = watch;
    }

    public int status() {
        return direct != null ? direct.status() : response.status().code();
    }

    public Headers headers() {
        return direct != null ? direct.headers() : response.headers();
    }

    public InputStream body() {
        if (body == null) {
            InputStream raw = direct == null ? response.inputStream()
                    : direct.body() != null ? direct.body() : InputStream.nullInputStream();
            body = watch == null ? raw : watch.watch(raw);
        }
        return body;
    }

    /**
     * Reads a body of known length whole, to the end of the entity: only an entity read to its end
     * lets the client return the connection to the pool instead of closing it.
     *
     * <p>Read into an array of exactly {@code length} bytes rather than with {@code readAllBytes()}:
     * Helidon allocates a buffer of the requested size for every read, so the 16 KiB chunks of
     * {@code readAllBytes()} cost two 16 KiB arrays and a copy for a 600-byte answer.
     */
    public byte[] readBody(int length) throws IOException {
        InputStream in = body();
        byte[] bytes = new byte[Math.max(0, length)];
        int n = in.readNBytes(bytes, 0, bytes.length);
        if (n < bytes.length) {
            return Arrays.copyOf(bytes, n);
        }
        // Reach the end of the entity with a small read (it returns -1 and releases the connection).
        byte[] probe = new byte[64];
        int extra = in.read(probe);
        if (extra < 0) {
            return bytes;
        }
        java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream(bytes.length + 1024);
        rest.write(bytes);
        rest.write(probe, 0, extra);
        in.transferTo(rest);
        return rest.toByteArray();
    }

    /** {@code h1} or {@code h2}: what was used on the wire. */
    public String http() {
        return http;
    }

    /** System.nanoTime() when the head arrived. */
    public long headNanos() {
        return headNanos;
    }

    /** Runs {@code action} once, when this response is closed. */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    /** Releases the connection; if the body was not fully read, the connection (or h2 stream) is closed, which cancels the request upstream. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watch != null) {
            watch.finish();
        }
        try {
            if (direct != null) {
                direct.closer().run();
            } else {
                response.close();
            }
        } catch (RuntimeException ignored) {
            // Closing a broken connection can fail; it is gone either way.
        } finally {
            if (onClose != null) {
                onClose.run();
            }
        }
    }
}
