package dev.ccp.cli.control;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.client.ClientEnvironment;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.JsonValues;
import dev.ccp.cli.support.LoopbackHttp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;

/** Talks to a running proxy's loopback admin endpoint ({@code /admin/…} on CCP_PORT, MITM_PORT or 8082). */
final class AdminClient {
    private AdminClient() {
    }

    /** The proxy's answer: its JSON text as sent, and the document read from it. */
    record Answer(String text, Map<String, Object> document) {
    }

    /** POSTs to {@code /admin/ACTION} and returns the proxy's JSON answer, or stops with one line. */
    static Answer post(CliContext ctx, Integer port, String action) {
        int p = ClientEnvironment.port(port, ctx);
        LoopbackHttp.Response res;
        try {
            res = LoopbackHttp.post(p, "/admin/" + action, null, "", Duration.ofSeconds(2), Duration.ofSeconds(5));
        } catch (ConnectException e) {
            throw CommandFailure.of("no proxy is running on 127.0.0.1:" + p
                    + " (start it with 'make run' or bin/ccp-proxy; set CCP_PORT or pass --port for another port)");
        } catch (SocketTimeoutException e) {
            throw CommandFailure.of("the proxy on 127.0.0.1:" + p + " did not answer in time");
        } catch (IOException e) {
            throw CommandFailure.of("cannot reach the proxy on 127.0.0.1:" + p + ": " + e.getMessage());
        }
        Map<String, Object> body = JsonValues.object(res.body());
        if (res.status() != 200 || body == null || !body.containsKey("paused")) {
            Object message = body == null ? null : JsonValues.at(body, "error", "message");
            throw CommandFailure.of("127.0.0.1:" + p + " did not accept /admin/" + action + " ("
                    + (message != null ? String.valueOf(message) : "HTTP " + res.status())
                    + "); is it a ccp proxy of this version?");
        }
        return new Answer(res.body(), body);
    }
}
