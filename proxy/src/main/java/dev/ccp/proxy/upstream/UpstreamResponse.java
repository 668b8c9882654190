package dev.ccp.proxy.upstream;

import io.helidon.http.Headers;
import io.helidon.webclient.api.HttpClientResponse;

import java.io.InputStream;

/** A response head received from a provider; its body is read from {@link #body()}. Close to release or cancel. */
public final class UpstreamResponse implements AutoCloseable {
    private final HttpClientResponse response;
    private final String http;
    private final long headNanos;

    UpstreamResponse(HttpClientResponse response, String http, long headNanos) {
        this.response = response;
        this.http = http;
        this.headNanos = headNanos;
    }

    public int status() {
        return response.status().code();
    }

    public Headers headers() {
        return response.headers();
    }

    public InputStream body() {
        return response.inputStream();
    }

    /** {@code h1} or {@code h2}: what was used on the wire. */
    public String http() {
        return http;
    }

    /** System.nanoTime() when the head arrived. */
    public long headNanos() {
        return headNanos;
    }

    /** Releases the connection; if the body was not fully read, the connection (or h2 stream) is closed, which cancels the request upstream. */
    @Override
    public void close() {
        try {
            response.close();
        } catch (RuntimeException ignored) {
            // Closing a broken connection can fail; it is gone either way.
        }
    }
}
