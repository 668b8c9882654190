package dev.ccp.proxy.http;

import dev.ccp.events.Clocks;
import dev.ccp.events.Decisions;
import dev.ccp.events.Event;
import dev.ccp.events.HeaderModes;
import dev.ccp.events.Ids;
import dev.ccp.events.Outcomes;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.proxy.ProxyContext;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRefusal;
import dev.ccp.proxy.routing.RouteRequest;
import dev.ccp.proxy.streaming.Relay;
import dev.ccp.proxy.streaming.Usage;
import dev.ccp.proxy.upstream.AttemptPolicy;
import dev.ccp.proxy.upstream.OutboundHeaders;
import dev.ccp.proxy.upstream.UpstreamException;
import dev.ccp.proxy.upstream.UpstreamRequest;
import dev.ccp.proxy.upstream.UpstreamResponse;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * The request path: read → route → attempt(s) upstream → relay → events.
 *
 * <p>Every request leaves {@code RequestReceived}, {@code RouteDecided}, one {@code UpstreamAttempt}
 * per try and {@code ResponseCompleted} (plus {@code StreamPartial} when a stream ends abruptly),
 * all handed to the async writer: the request never waits on the log.
 */
final class Forwarder {
    static final HeaderName REQUEST_ID = HeaderNames.create("x-ccp-request-id");
    private static final int ERROR_PEEK = 1024 * 1024;
    private static final byte[] NONE = new byte[0];
    private static final int SMALL_BODY = 256 * 1024;
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());

    private final ProxyContext ctx;

    Forwarder(ProxyContext ctx) {
        this.ctx = ctx;
    }

    void handle(ServerRequest req, ServerResponse res, boolean messagesCall) {
        Exchange x = new Exchange(req, res, messagesCall);
        ctx.metrics().requestStarted();
        try {
            x.run();
        } catch (RuntimeException e) {
            // A bug of ours must still end as an Anthropic-shaped answer and a ResponseCompleted.
            LOG.log(System.Logger.Level.WARNING, "request " + x.reqId + " failed inside the proxy", e);
            x.outcome = Outcomes.PROXY_ERROR;
            x.errorType = ApiErrors.API_ERROR;
            if (!res.isSent()) {
                x.status = 500;
                x.sendSafely(500, ApiErrors.API_ERROR, "the proxy failed (" + e.getClass().getSimpleName() + "); see its log");
            }
        } finally {
            x.finish();
        }
    }

    private long micros() {
        return Clocks.micros(ctx.clock());
    }

    private String eventId() {
        return Ids.eventId(micros());
    }

    /** One request's state. */
    private final class Exchange {
        final ServerRequest req;
        final ServerResponse res;
        final boolean messagesCall;
        final long t0 = System.nanoTime();
        final String reqId = Ids.requestId();
        String op = "nonstream";
        String lane = "proxy";
        int status;
        long ttfbNanos = -1;
        long bytesRelayed;
        String http;
        String outcome = Outcomes.OK;
        String errorType;
        Usage usage;
        /** Body sampling's cap for this request (0 = off), decided once when it arrives. */
        int sampleCap;

        Exchange(ServerRequest req, ServerResponse res, boolean messagesCall) {
            this.req = req;
            this.res = res;
            this.messagesCall = messagesCall;
        }

        void run() {
            String method = req.prologue().method().text();
            String path = req.path().rawPath();
            String query = req.query().rawValue();
            String pathAndQuery = query == null || query.isEmpty() ? path : path + "?" + query;
            Headers headers = req.headers();
            res.header(REQUEST_ID, reqId);

            RequestBody body;
            try {
                body = RequestBody.read(req.content().inputStream(), ctx.maxBodyBytes(),
                        headers.contentLength().orElse(-1));
            } catch (IOException | RuntimeException e) {
                // The client went away while sending: nobody to answer.
                received(method, path, query, null, null, 0, headers);
                decided(Decisions.REJECTED, null, null, null, HeaderModes.NONE, "request body could not be read");
                status = 499;
                outcome = Outcomes.CLIENT_ABORT;
                return;
            }
            if (messagesCall && !body.tooLarge) {
                body.parseMessagesFields();
            }
            op = Boolean.TRUE.equals(body.stream) ? "stream" : "nonstream";
            received(method, path, query, body.model, body.stream, body.size, headers);
            sampleCap = ctx.sampling().cap();
            if (sampleCap > 0 && !body.tooLarge) {
                ctx.events().offer(ctx.sampling().sample(reqId, "request",
                        headers.contentType().map(t -> t.mediaType().text()).orElse(null),
                        body.bytes, body.bytes.length, body.size, sampleCap));
            }

            if (body.tooLarge) {
                reject(body.model, 413, ApiErrors.REQUEST_TOO_LARGE, "request body is " + body.size
                        + " bytes, over the limit of " + ctx.maxBodyBytes() + " bytes (CCP_MAX_BODY)");
                return;
            }
            if (messagesCall && body.problem != null) {
                reject(body.model, 400, ApiErrors.INVALID_REQUEST, body.problem);
                return;
            }

            RouteRequest routeRequest = new RouteRequest(body.model, method, path, messagesCall);
            RouteDecision decision;
            try {
                decision = ctx.policy().decide(routeRequest);
            } catch (RouteRefusal refused) {
                refuse(body.model, refused);
                return;
            }
            decided(decision, body.model);
            attemptAndRelay(routeRequest, decision, method, pathAndQuery, headers, body);
        }

        private void attemptAndRelay(RouteRequest routeRequest, RouteDecision decision, String method,
                                     String pathAndQuery, Headers headers, RequestBody body) {
            boolean stream = Boolean.TRUE.equals(body.stream);
            AttemptPolicy policy = ctx.attemptPolicy();
            UpstreamResponse response = null;
            UpstreamException failure = null;
            byte[] prefix = NONE;
            for (int attempt = 1; ; attempt++) {
                Provider provider = decision.provider();
                lane = provider.name();
                long a0 = System.nanoTime();
                UpstreamRequest upstreamRequest = new UpstreamRequest(provider, method, pathAndQuery,
                        OutboundHeaders.forProvider(headers, provider, ctx.credentials()),
                        messagesCall ? body.withModel(decision.upstreamModel()) : body.bytes, stream);
                response = null;
                failure = null;
                prefix = NONE;
                try {
                    response = ctx.upstream().send(upstreamRequest);
                    http = response.http();
                    if (response.status() >= 400) {
                        prefix = peek(response.body(), ERROR_PEEK);
                    }
                } catch (UpstreamException e) {
                    failure = e;
                } catch (IOException | RuntimeException e) {
                    failure = new UpstreamException(UpstreamException.Kind.IO, provider.name(),
                            "provider " + provider.name() + " connection failed while sending its error", e);
                    if (response != null) {
                        response.close();
                        response = null;
                    }
                }
                long durationUs = (System.nanoTime() - a0) / 1000;
                int upstreamStatus = response == null ? 0 : response.status();
                AttemptPolicy.Attempt done = new AttemptPolicy.Attempt(attempt, routeRequest, decision, upstreamStatus,
                        response == null ? null : response.headers(), upstreamStatus >= 400 ? prefix : null,
                        failure, durationUs);
                AttemptPolicy.Next next = attempt >= policy.maxAttempts() ? AttemptPolicy.Next.DELIVER : policy.afterAttempt(done);
                String attemptErrorType = failure != null ? failure.outcome() : null;
                if (next instanceof AttemptPolicy.Next.Retry retry) {
                    attemptEvent(attempt, upstreamRequest, upstreamStatus, durationUs, retry.outcome(), attemptErrorType);
                    if (response != null) {
                        response.close();
                    }
                    if (!retry.decision().equals(decision)) {
                        decision = retry.decision();
                        decided(decision, body.model);
                    }
                    if (!retry.delay().isZero()) {
                        try {
                            policy.pause(retry.delay());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    continue;
                }
                attemptEvent(attempt, upstreamRequest, upstreamStatus, durationUs,
                        failure == null ? "response" : failure.outcome(), attemptErrorType);
                break;
            }
            if (failure != null || response == null) {
                answerFailure(failure);
                return;
            }
            ctx.decisionHeaders().add(routeRequest, decision, res::header);
            try (UpstreamResponse r = response) {
                relay(r, prefix, stream);
            }
        }

        private void relay(UpstreamResponse r, byte[] prefix, boolean stream) {
            status = r.status();
            res.status(status);
            boolean sse = r.headers().contentType().map(t -> t.mediaType().text().toLowerCase(Locale.ROOT)
                    .startsWith("text/event-stream")).orElse(false);
            boolean json = r.headers().contentType().map(t -> t.mediaType().text().toLowerCase(Locale.ROOT)
                    .contains("json")).orElse(false);
            for (Header h : r.headers()) {
                if (OutboundHeaders.returned(h) && !(sse && h.headerName().equals(HeaderNames.CONTENT_LENGTH))) {
                    res.header(h);
                }
            }
            if (sse) {
                op = "stream";
            }
            long length = r.headers().contentLength().orElse(-1);
            if (!sse && length >= 0 && length <= SMALL_BODY) {
                relaySmall(r, prefix, (int) length, json);
                return;
            }
            long deadline = sse ? Long.MAX_VALUE : t0 + ctx.upstream().timeouts().json().toNanos();
            Relay relay = new Relay(sse, messagesCall && json, deadline);
            OutputStream[] opened = new OutputStream[1];
            Relay.End end = relay.run(prefix, r.body(), () -> opened[0] = res.outputStream());
            bytesRelayed = relay.bytes();
            ttfbNanos = relay.firstByteNanos() < 0 ? -1 : relay.firstByteNanos() - t0;
            usage = relay.usage();
            if (sampleCap > 0) {
                byte[] seen = relay.partial().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                sampleResponse(r, seen, seen.length);
            }
            switch (end) {
                case COMPLETE -> {
                    closeClient(opened[0]);
                    if (status >= 400) {
                        outcome = Outcomes.UPSTREAM_ERROR;
                        errorType = usage.errorType() != null ? usage.errorType() : "http_" + status;
                    } else if (usage.errorType() != null) {
                        outcome = Outcomes.UPSTREAM_ERROR;
                        errorType = usage.errorType();
                        partial(relay);
                    } else if (sse && messagesCall && !usage.messageStop()) {
                        outcome = Outcomes.UPSTREAM_ERROR;
                        errorType = "incomplete_stream";
                        partial(relay);
                    }
                }
                case CLIENT_GONE -> {
                    // Cancel upstream at once: the tokens still coming would cost money for nobody.
                    r.close();
                    outcome = Outcomes.CLIENT_ABORT;
                    partial(relay);
                }
                case UPSTREAM_FAILED -> {
                    boolean timedOut = isTimeout(relay.failure());
                    outcome = timedOut ? Outcomes.TIMEOUT : Outcomes.UPSTREAM_ERROR;
                    errorType = timedOut ? ApiErrors.TIMEOUT : ApiErrors.API_ERROR;
                    r.close();
                    String message = timedOut
                            ? "provider " + lane + " went silent for longer than " + (sse ? "CCP_SSE_IDLE_TIMEOUT" : "CCP_JSON_TIMEOUT")
                            : "provider " + lane + " broke the connection";
                    if (opened[0] == null && !res.isSent()) {
                        res.headers().clear();
                        res.header(REQUEST_ID, reqId);
                        status = timedOut ? 504 : 502;
                        ttfbNanos = System.nanoTime() - t0;
                        ApiErrors.send(res, status, errorType, message);
                    } else {
                        if (sse) {
                            try {
                                opened[0].write(ApiErrors.sseEvent(errorType, message));
                                opened[0].flush();
                            } catch (IOException | RuntimeException ignored) {
                                // The client is gone too.
                            }
                        }
                        closeClient(opened[0]);
                        partial(relay);
                    }
                }
            }
        }

        /**
         * A small body of known length (most JSON answers and errors) is read whole and sent in one
         * write with the head: fewer writes than the streaming copy, and nothing to flush per read.
         */
        private void relaySmall(UpstreamResponse r, byte[] prefix, int length, boolean json) {
            byte[] bytes;
            try {
                // Read to the end of the entity (not just `length` bytes): only a body read to its end
                // lets the client return the connection to the pool instead of closing it.
                bytes = concat(prefix, r.readBody(length - prefix.length));
            } catch (IOException | RuntimeException e) {
                r.close();
                boolean timedOut = isTimeout(e);
                outcome = timedOut ? Outcomes.TIMEOUT : Outcomes.UPSTREAM_ERROR;
                errorType = timedOut ? ApiErrors.TIMEOUT : ApiErrors.API_ERROR;
                res.headers().clear();
                res.header(REQUEST_ID, reqId);
                status = timedOut ? 504 : 502;
                ttfbNanos = System.nanoTime() - t0;
                sendSafely(status, errorType, timedOut ? "provider " + lane + " timed out sending its answer"
                        : "provider " + lane + " broke the connection");
                return;
            }
            usage = json && messagesCall ? dev.ccp.proxy.streaming.JsonUsageParser.parse(bytes, bytes.length)
                    : (status >= 400 && json ? dev.ccp.proxy.streaming.JsonUsageParser.parse(bytes, bytes.length) : null);
            if (sampleCap > 0) {
                sampleResponse(r, bytes, bytes.length);
            }
            try {
                res.send(bytes);
                ttfbNanos = System.nanoTime() - t0;
                bytesRelayed = bytes.length;
            } catch (RuntimeException e) {
                outcome = Outcomes.CLIENT_ABORT;
                return;
            }
            if (status >= 400) {
                outcome = Outcomes.UPSTREAM_ERROR;
                errorType = usage != null && usage.errorType() != null ? usage.errorType() : "http_" + status;
            }
        }

        private void answerFailure(UpstreamException failure) {
            boolean timeout = failure != null && failure.kind() == UpstreamException.Kind.TIMEOUT;
            status = timeout ? 504 : 502;
            outcome = timeout ? Outcomes.TIMEOUT : Outcomes.UPSTREAM_ERROR;
            errorType = timeout ? ApiErrors.TIMEOUT : ApiErrors.API_ERROR;
            String message = failure != null ? failure.getMessage() : "provider " + lane + " gave no answer";
            ttfbNanos = System.nanoTime() - t0;
            sendSafely(status, errorType, message);
        }

        private void reject(String model, int code, String type, String message) {
            decided(Decisions.REJECTED, null, null, model, HeaderModes.NONE, message);
            status = code;
            outcome = Outcomes.PROXY_ERROR;
            errorType = type;
            ttfbNanos = System.nanoTime() - t0;
            sendSafely(code, type, message);
        }

        private void refuse(String model, RouteRefusal refused) {
            decided(refused.decision(), null, null, model, HeaderModes.NONE, refused.getMessage());
            status = refused.status();
            outcome = Outcomes.PROXY_ERROR;
            errorType = refused.errorType();
            ttfbNanos = System.nanoTime() - t0;
            if (refused.retryAfterSeconds() >= 0) {
                res.header("retry-after", Long.toString(refused.retryAfterSeconds()));
            }
            sendSafely(status, errorType, refused.getMessage());
        }

        private void sendSafely(int code, String type, String message) {
            try {
                ApiErrors.send(res, code, type, message);
            } catch (RuntimeException e) {
                outcome = Outcomes.CLIENT_ABORT;
            }
        }

        private void closeClient(OutputStream os) {
            try {
                if (os != null) {
                    os.close();
                } else if (!res.isSent()) {
                    res.send();
                }
            } catch (IOException | RuntimeException e) {
                outcome = Outcomes.CLIENT_ABORT;
            }
        }

        private void sampleResponse(UpstreamResponse r, byte[] data, int length) {
            ctx.events().offer(ctx.sampling().sample(reqId, "response",
                    r.headers().contentType().map(t -> t.mediaType().text()).orElse(null),
                    data, length, Math.max(length, bytesRelayed), sampleCap));
        }

                private void partial(Relay relay) {
            ctx.events().offer(new Event.StreamPartial(eventId(), reqId, micros(), ctx.instance(),
                    relay.bytes(), relay.partialTruncated(), relay.partial()));
        }

        private void received(String method, String path, String query, String model, Boolean stream, long size,
                              Headers headers) {
            ctx.events().offer(new Event.RequestReceived(eventId(), reqId, micros(), ctx.instance(), method, path,
                    query == null || query.isEmpty() ? null : query, model, stream, size,
                    OutboundHeaders.clientAuthMode(headers),
                    headers.first(HeaderNames.USER_AGENT).orElse(null),
                    headers.first(HeaderNames.create("x-claude-code-session-id")).orElse(null)));
        }

        private void decided(RouteDecision d, String model) {
            decided(d.decision(), d.provider().name(), d.provider().name(), model, d.headerMode(), d.reason(),
                    d.upstreamModel());
        }

        private void decided(String decision, String laneName, String provider, String model, String headerMode, String reason) {
            decided(decision, laneName, provider, model, headerMode, reason, null);
        }

        private void decided(String decision, String laneName, String provider, String model, String headerMode,
                             String reason, String upstreamModel) {
            ctx.events().offer(new Event.RouteDecided(eventId(), reqId, micros(), ctx.instance(), decision, laneName,
                    provider, model, upstreamModel, headerMode, reason));
        }

        private void attemptEvent(int attempt, UpstreamRequest r, int upstreamStatus, long durationUs, String attemptOutcome,
                                  String attemptError) {
            ctx.events().offer(new Event.UpstreamAttempt(eventId(), reqId, micros(), ctx.instance(), attempt,
                    r.provider().name(), r.url(), http, upstreamStatus, durationUs, attemptOutcome, attemptError));
        }

        void finish() {
            long latency = System.nanoTime() - t0;
            Usage u = usage;
            ctx.events().offer(new Event.ResponseCompleted(eventId(), reqId, micros(), ctx.instance(), status, op,
                    latency / 1000, ttfbNanos < 0 ? -1 : ttfbNanos / 1000,
                    u == null ? 0 : u.inputTokens(), u == null ? 0 : u.outputTokens(),
                    u == null ? 0 : u.cacheCreationInputTokens(), u == null ? 0 : u.cacheReadInputTokens(),
                    u == null ? null : u.stopReason(), http, outcome, bytesRelayed, errorType));
            ctx.metrics().requestFinished(lane, op, status, latency, ttfbNanos);
            if (u != null) {
                ctx.metrics().tokens(lane, "input", u.inputTokens());
                ctx.metrics().tokens(lane, "output", u.outputTokens());
                ctx.metrics().tokens(lane, "cache_creation", u.cacheCreationInputTokens());
                ctx.metrics().tokens(lane, "cache_read", u.cacheReadInputTokens());
            }
        }
    }

    private static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException || c instanceof java.util.concurrent.TimeoutException
                    || String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")
                    || String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] peek(InputStream in, int max) throws IOException {
        byte[] buf = new byte[Math.min(max, 16 * 1024)];
        int n = 0;
        while (n < max) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(max, buf.length * 2));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return Arrays.copyOf(buf, n);
    }
}
