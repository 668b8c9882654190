package dev.ccp.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.client.ClientEnvironment;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Talks to a running proxy's loopback admin endpoint ({@code /admin/…} on CCP_PORT, MITM_PORT or 8082). */
final class AdminClient {
    private AdminClient() {
    }

    /** POSTs to {@code /admin/ACTION} and returns the proxy's JSON answer, or stops with one line. */
    static JsonNode post(CliContext ctx, Integer port, String action) {
        int p = ClientEnvironment.port(port, ctx);
        String url = "http://127.0.0.1:" + p + "/admin/" + action;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> res;
        try {
            res = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw CommandFailure.of("no proxy is running on 127.0.0.1:" + p
                    + " (start it with 'make run' or bin/ccp-proxy; set CCP_PORT or pass --port for another port)");
        } catch (HttpTimeoutException e) {
            throw CommandFailure.of("the proxy on 127.0.0.1:" + p + " did not answer in time");
        } catch (IOException e) {
            throw CommandFailure.of("cannot reach the proxy on 127.0.0.1:" + p + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.of("interrupted");
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(res.body());
        } catch (IOException e) {
            body = null;
        }
        if (res.statusCode() != 200 || body == null || !body.has("paused")) {
            String message = body != null && body.path("error").has("message") ? body.path("error").path("message").asText()
                    : "HTTP " + res.statusCode();
            throw CommandFailure.of("127.0.0.1:" + p + " did not accept /admin/" + action + " (" + message
                    + "); is it a ccp proxy of this version?");
        }
        return body;
    }
}
