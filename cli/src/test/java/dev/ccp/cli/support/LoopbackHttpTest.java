package dev.ccp.cli.support;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's HTTP/1.1 client for the proxy's loopback endpoints, against a real server socket. */
class LoopbackHttpTest {
    private static final Duration SHORT = Duration.ofSeconds(5);

    @Test
    void aContentLengthAnswerIsReadToItsLengthAndTheRequestCarriesHostLengthAndType() throws Exception {
        String json = "{\"paused\":true,\"note\":\"é\"}";
        try (OneAnswerServer server = new OneAnswerServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + json + "trailing junk")) {
            LoopbackHttp.Response r = LoopbackHttp.post(server.port(), "/admin/pause", "application/json", "{\"a\":1}", SHORT, SHORT);

            assertEquals(200, r.status());
            assertEquals(json, r.body());
            String request = server.request();
            assertTrue(request.startsWith("POST /admin/pause HTTP/1.1\r\n"), request);
            assertTrue(request.contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), request);
            assertTrue(request.contains("\r\nContent-Length: 7\r\n") && request.contains("\r\nContent-Type: application/json\r\n"), request);
            assertTrue(request.endsWith("\r\n\r\n{\"a\":1}"), request);
        }
    }

    @Test
    void aChunkedAnswerIsJoinedWithExtensionsAndTrailersSkipped() throws Exception {
        try (OneAnswerServer server = new OneAnswerServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "7;name=x\r\n{\"sourc\r\n" + "b\r\ne\":\"none\"}\n\r\n" + "0\r\nX-Trailer: 1\r\n\r\n")) {
            LoopbackHttp.Response r = LoopbackHttp.get(server.port(), "/v1/quotas", SHORT, SHORT);

            assertEquals(200, r.status());
            assertEquals("{\"source\":\"none\"}\n", r.body());
            assertTrue(server.request().startsWith("GET /v1/quotas HTTP/1.1\r\n"));
        }
    }

    @Test
    void anAnswerWithoutLengthEndsWhenTheServerCloses() throws Exception {
        try (OneAnswerServer server = new OneAnswerServer("HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nbusy\n")) {
            LoopbackHttp.Response r = LoopbackHttp.get(server.port(), "/healthz", SHORT, SHORT);

            assertEquals(503, r.status());
            assertEquals("busy\n", r.body());
        }
    }

    @Test
    void anInterimAnswerIsSkippedForTheFinalOne() throws Exception {
        try (OneAnswerServer server = new OneAnswerServer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}")) {
            LoopbackHttp.Response r = LoopbackHttp.get(server.port(), "/x", SHORT, SHORT);

            assertEquals(404, r.status());
            assertEquals("{}", r.body());
        }
    }

    @Test
    void aTruncatedOrMalformedAnswerIsAnIoErrorNotAShortBody() throws Exception {
        try (OneAnswerServer server = new OneAnswerServer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"")) {
            assertThrows(EOFException.class, () -> LoopbackHttp.get(server.port(), "/", SHORT, SHORT));
        }
        try (OneAnswerServer server = new OneAnswerServer("SSH-2.0-OpenSSH_9.6\r\n")) {
            IOException e = assertThrows(IOException.class, () -> LoopbackHttp.get(server.port(), "/", SHORT, SHORT));
            assertTrue(e.getMessage().contains("not an HTTP/1.1 answer"), e.getMessage());
        }
        try (OneAnswerServer server = new OneAnswerServer("")) {
            assertThrows(EOFException.class, () -> LoopbackHttp.get(server.port(), "/", SHORT, SHORT));
        }
    }

    @Test
    void aClosedPortIsAConnectExceptionAndASilentServerATimeout() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThrows(ConnectException.class, () -> LoopbackHttp.get(closed, "/", SHORT, SHORT));

        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThrows(SocketTimeoutException.class,
                    () -> LoopbackHttp.get(silent.getLocalPort(), "/", SHORT, Duration.ofMillis(200)));
        }
    }
}
