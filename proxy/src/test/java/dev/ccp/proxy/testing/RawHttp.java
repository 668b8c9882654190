package dev.ccp.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written byte by byte on a socket, for requests an HTTP client library would clean up
 * first (a {@code ..} in the path, a body shorter than its Content-Length, a {@code Host} of our choice).
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** What came back: the status code and the whole text (head and body) until the server closed. */
    public record Answer(int status, String text, boolean closedByServer) {
        public String body() {
            int i = text.indexOf("\r\n\r\n");
            return i < 0 ? "" : text.substring(i + 4);
        }
    }

    /** Sends {@code request} as is (it should say {@code Connection: close}) and reads until the server closes. */
    public static Answer exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    public static Answer readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean closed = false;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
            closed = true;
        } catch (java.net.SocketException e) {
            closed = true;
        }
        String text = got.toString(StandardCharsets.ISO_8859_1);
        int status = text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
        return new Answer(status, text, closed);
    }

    /** A POST with a JSON body and {@code Connection: close}. */
    public static String post(String pathAndQuery, String json, String... headers) {
        StringBuilder sb = new StringBuilder("POST " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nx-api-key: sk-ant-raw-client\r\nConnection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return sb.append("Content-Length: ").append(body.length).append("\r\n\r\n").append(json).toString();
    }
}
