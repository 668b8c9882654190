package dev.ccp.proxy.http;

import dev.ccp.events.AttemptOutcome;
import dev.ccp.events.Clocks;
import dev.ccp.events.Decisions;
import dev.ccp.events.Event;
import dev.ccp.events.HeaderModes;
import dev.ccp.events.Ids;
import dev.ccp.events.Outcome;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.proxy.ProxyContext;
import dev.ccp.proxy.ratelimit.AttemptRateLimits;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRefusal;
import dev.ccp.proxy.routing.RouteRequest;
import dev.ccp.proxy.streaming.JsonUsageParser;
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
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The request path, in the order a request goes through it: {@link Exchange#read read} the body,
 * {@link Exchange#route route} it, {@link Exchange#attempt attempt} upstream (retrying or rerouting
 * while no byte reached the client), {@link Exchange#relay relay} the answer, {@link Exchange#record
 * record} how it ended.
 *
 * <p>Every request leaves {@code RequestReceived}, {@code RouteDecided}, one {@code UpstreamAttempt}
 * per try and one {@code ResponseCompleted} (plus {@code StreamPartial} when a stream ends abruptly).
 * The {@code ResponseCompleted} of an answer is in the log before the client can see that answer's
 * end ({@link dev.ccp.proxy.events.EventSink#offerAndWait}); the other events are handed to the
 * writer without waiting.
 *
 * <p>Each kind of answer is written in one place: the proxy's own errors by {@link Exchange#answer},
 * a small upstream body by {@link Exchange#relayWhole}, any other upstream body by
 * {@link Exchange#relayStream}.
 *
 * <p>Longer than most classes on purpose: it is the one file a reader follows a request through, top
 * to bottom, and every step reads and sets the same request's state ({@link Exchange}); split into
 * classes, the steps would pass that state around instead. The parts that are not the path itself
 * live elsewhere: the relay copy ({@code streaming.Relay}), the upstream exchange
 * ({@code upstream.UpstreamClients}), the body ({@link RequestBody}), path and query rules
 * ({@link RawPaths}, {@link QueryCredentials}).
 */
final class Forwarder {
    /** Which service the request came through: decides body parsing, routing by model and the recorded op. */
    enum Endpoint {
        MESSAGES, COUNT_TOKENS, PASSTHROUGH;

        boolean messagesApi() {
            return this != PASSTHROUGH;
        }
    }

    static final HeaderName REQUEST_ID = HeaderNames.create("x-ccp-request-id");
    /** {@code ResponseCompleted.http} when nothing went upstream. */
    static final String NO_UPSTREAM = "none";
    /** The project a request belongs to, sent by Claude Code through ANTHROPIC_CUSTOM_HEADERS ({@code cc env}). */
    static final HeaderName PROJECT = HeaderNames.create("x-ccp-project");
    private static final int ERROR_PEEK = 1024 * 1024;
    private static final byte[] NONE = new byte[0];
    private static final int SMALL_BODY = 256 * 1024;
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());

    private final ProxyContext ctx;

    Forwarder(ProxyContext ctx) {
        this.ctx = ctx;
    }

    void handle(ServerRequest req, ServerResponse res, Endpoint endpoint) {
        Exchange x = new Exchange(req, res, endpoint);
        ctx.metrics().requestStarted();
        try {
            x.run();
        } catch (RuntimeException e) {
            // A bug of ours must still end as an Anthropic-shaped answer and a ResponseCompleted.
            LOG.log(System.Logger.Level.WARNING, "request " + x.reqId + " failed inside the proxy", e);
            x.failedInside(e);
        } finally {
            x.record(false);
            x.count();
        }
        if (x.abandoned) {
            // Helidon closes the connection without an answer (and without logging it as a failure).
            throw new CloseConnectionException("request " + x.reqId + ": the client left while sending its body");
        }
    }

    private long micros() {
        return Clocks.micros(ctx.clock());
    }

    private String eventId() {
        return Ids.eventId(micros());
    }

    /** The request as read: method, raw path and query, headers and body. */
    private record Incoming(String method, String path, String query, String pathAndQuery, Headers headers,
                            RequestBody body) {
        boolean stream() {
            return Boolean.TRUE.equals(body.stream);
        }
    }

    /** What the last attempt brought: a response head (and, for an error status, its first bytes) or a failure. */
    private record Attempted(RouteRequest routeRequest, RouteDecision decision, UpstreamResponse response,
                             byte[] prefix, UpstreamException failure) {
    }

    /** How the request ended, set once per request by the step that ends it. */
    private record Ending(int status, Outcome outcome, String errorType) {
    }

    /** One request, from its arrival to its {@code ResponseCompleted}. */
    private final class Exchange {
        final ServerRequest req;
        final ServerResponse res;
        final Endpoint endpoint;
        final long t0 = System.nanoTime();
        final String reqId = Ids.requestId();
        String op;
        String lane = "proxy";
        String http;
        Ending ending = new Ending(0, Outcome.OK, null);
        long ttfbNanos = -1;
        long bytesRelayed;
        Usage usage;
        boolean recorded;
        boolean relayed;
        /** The client left while sending: the connection is closed with no answer. */
        boolean abandoned;
        /** Body sampling's cap for this request (0 = off), decided once when it arrives. */
        int sampleCap;

        Exchange(ServerRequest req, ServerResponse res, Endpoint endpoint) {
            this.req = req;
            this.res = res;
            this.endpoint = endpoint;
            this.op = endpoint == Endpoint.COUNT_TOKENS ? "count_tokens" : "nonstream";
        }

        void run() {
            res.header(REQUEST_ID, reqId);
            Incoming in = read();
            if (in == null) {
                return;
            }
            RouteRequest routeRequest = new RouteRequest(in.body().model, in.method(), in.path(), endpoint.messagesApi());
            RouteDecision decision = route(in, routeRequest);
            if (decision == null) {
                return;
            }
            Attempted attempted = attempt(in, routeRequest, decision);
            if (attempted.response() == null) {
                upstreamFailed(attempted.failure());
                return;
            }
            ctx.decisionHeaders().add(attempted.routeRequest(), attempted.decision(), res::header);
            try (UpstreamResponse r = attempted.response()) {
                relay(r, attempted.prefix(), in.stream());
            }
        }

        // ---- read -------------------------------------------------------------------------------

        /** Reads and checks the request; null when it was answered (or the client left) here. */
        private Incoming read() {
            String method = req.prologue().method().text();
            String path = req.path().rawPath();
            String query = req.query().rawValue();
            String pathAndQuery = query == null || query.isEmpty() ? path : path + "?" + query;
            Headers headers = req.headers();
            String pathProblem = RawPaths.problem(path);
            if (pathProblem != null) {
                received(method, path, query, null, null, 0, headers);
                answer(new Ending(400, Outcome.PROXY_ERROR, ApiErrors.INVALID_REQUEST), pathProblem, Decisions.REJECTED);
                return null;
            }
            RequestBody body;
            try {
                body = RequestBody.read(req.content().inputStream(), ctx.maxBodyBytes(),
                        headers.contentLength().orElse(-1));
            } catch (IOException | RuntimeException e) {
                received(method, path, query, null, null, 0, headers);
                decided(Decisions.REJECTED, null, null, null, HeaderModes.NONE, "request body could not be read");
                clientLeftWhileSending();
                return null;
            }
            if (endpoint.messagesApi() && !body.tooLarge) {
                body.parseMessagesFields();
            }
            if (endpoint == Endpoint.MESSAGES) {
                op = Boolean.TRUE.equals(body.stream) ? "stream" : "nonstream";
            }
            received(method, path, query, body.model, body.stream, body.size, headers);
            sampleCap = ctx.sampling().cap();
            if (sampleCap > 0 && !body.tooLarge) {
                ctx.events().offer(ctx.sampling().sample(reqId, "request",
                        headers.contentType().map(t -> t.mediaType().text()).orElse(null),
                        body.bytes, body.bytes.length, body.size, sampleCap));
            }
            if (body.tooLarge) {
                answer(new Ending(413, Outcome.PROXY_ERROR, ApiErrors.REQUEST_TOO_LARGE), "request body is " + body.size
                        + " bytes, over the limit of " + ctx.maxBodyBytes() + " bytes (CCP_MAX_BODY)", Decisions.REJECTED, body.model);
                return null;
            }
            if (endpoint.messagesApi() && body.problem != null) {
                answer(new Ending(400, Outcome.PROXY_ERROR, ApiErrors.INVALID_REQUEST), body.problem, Decisions.REJECTED, body.model);
                return null;
            }
            return new Incoming(method, path, query, pathAndQuery, headers, body);
        }

        /**
         * The upload ended before its length (the client hung up, or half-closed and waits): nobody
         * is left to read an answer, so none is written and the connection is closed, as the
         * recorded 499 {@code client_abort} says.
         */
        private void clientLeftWhileSending() {
            ending = new Ending(499, Outcome.CLIENT_ABORT, null);
            http = NO_UPSTREAM;
            record(false);
            abandoned = true;
        }

        // ---- route ------------------------------------------------------------------------------

        /** The routing decision, recorded; null when routing refused the request (answered here). */
        private RouteDecision route(Incoming in, RouteRequest routeRequest) {
            try {
                RouteDecision decision = ctx.policy().decide(routeRequest);
                decided(decision, in.body().model);
                return decision;
            } catch (RouteRefusal refused) {
                if (refused.retryAfterSeconds() >= 0) {
                    res.header("retry-after", Long.toString(refused.retryAfterSeconds()));
                }
                answer(new Ending(refused.status(), Outcome.REFUSED, refused.errorType()), refused.getMessage(),
                        refused.decision(), in.body().model);
                return null;
            }
        }

        // ---- attempt ----------------------------------------------------------------------------

        /**
         * Tries upstream until the attempt policy says deliver: a response (with the first bytes of an
         * error body, which the policy may read) or the failure of the last try.
         */
        private Attempted attempt(Incoming in, RouteRequest routeRequest, RouteDecision decision) {
            AttemptPolicy policy = ctx.attemptPolicy();
            for (int number = 1; ; number++) {
                Provider provider = decision.provider();
                lane = provider.name();
                long a0 = System.nanoTime();
                UpstreamRequest upstreamRequest = new UpstreamRequest(provider, in.method(), in.pathAndQuery(),
                        OutboundHeaders.forProvider(in.headers(), provider, ctx.credentials()),
                        endpoint.messagesApi() ? in.body().withModel(decision.upstreamModel()) : in.body().bytes, in.stream());
                UpstreamResponse response = null;
                UpstreamException failure = null;
                byte[] prefix = NONE;
                try {
                    response = ctx.upstream().send(upstreamRequest);
                    http = response.http();
                    if (response.status() >= 400) {
                        prefix = peek(response.body(), ERROR_PEEK);
                    }
                } catch (UpstreamException e) {
                    failure = e;
                } catch (IOException | RuntimeException e) {
                    // Reading the first bytes of an error body failed.
                    failure = new UpstreamException(UpstreamException.isTimeout(e) ? UpstreamException.Kind.TIMEOUT
                            : UpstreamException.Kind.IO, provider.name(),
                            "provider " + provider.name() + " connection failed while sending its error", e);
                    response.close();
                    response = null;
                }
                if (failure != null && http == null) {
                    http = ctx.upstream().protocolBeforeHead(provider);
                }
                long durationUs = (System.nanoTime() - a0) / 1000;
                int status = response == null ? 0 : response.status();
                AttemptPolicy.Attempt done = new AttemptPolicy.Attempt(number, routeRequest, decision, status,
                        response == null ? null : response.headers(), status >= 400 ? prefix : null, failure, durationUs);
                AttemptPolicy.Next next = number >= policy.maxAttempts() ? AttemptPolicy.Next.DELIVER : policy.afterAttempt(done);
                String errorType = failure != null ? failure.outcome() : null;
                if (!(next instanceof AttemptPolicy.Next.Retry retry)) {
                    attempted(number, upstreamRequest, status, durationUs,
                            failure == null ? AttemptOutcome.RESPONSE.wire() : failure.outcome(), errorType, response);
                    return new Attempted(routeRequest, decision, response, prefix, failure);
                }
                attempted(number, upstreamRequest, status, durationUs, retry.outcome().wire(), errorType, response);
                if (response != null) {
                    response.close();
                }
                if (!retry.decision().equals(decision)) {
                    decision = retry.decision();
                    decided(decision, in.body().model);
                }
                if (!retry.delay().isZero()) {
                    try {
                        policy.pause(retry.delay());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new Attempted(routeRequest, decision, null, NONE, new UpstreamException(
                                UpstreamException.Kind.IO, provider.name(), "interrupted while waiting to retry", e));
                    }
                }
            }
        }

        /** No response head: 504 for a timeout, 502 for anything else, naming the provider. */
        private void upstreamFailed(UpstreamException failure) {
            boolean timeout = failure.kind() == UpstreamException.Kind.TIMEOUT;
            answer(timeout ? new Ending(504, Outcome.TIMEOUT, ApiErrors.TIMEOUT) : new Ending(502, Outcome.UPSTREAM_ERROR, ApiErrors.API_ERROR),
                    failure.getMessage(), null);
        }

        // ---- relay ------------------------------------------------------------------------------

        private void relay(UpstreamResponse r, byte[] prefix, boolean stream) {
            int status = r.status();
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
            if (sse && endpoint != Endpoint.COUNT_TOKENS) {
                op = "stream";
            }
            long length = r.headers().contentLength().orElse(-1);
            if (!sse && length >= 0 && length <= SMALL_BODY) {
                relayWhole(r, status, prefix, (int) length, json);
            } else {
                relayStream(r, status, prefix, sse, json);
            }
        }

        /**
         * A small body of known length (most JSON answers and errors) is read whole and sent in one
         * write with the head: fewer writes than the streaming copy, and nothing to flush per read.
         */
        private void relayWhole(UpstreamResponse r, int status, byte[] prefix, int length, boolean json) {
            byte[] bytes;
            try {
                // Read to the end of the entity (not just `length` bytes): only a body read to its end
                // lets the client return the connection to the pool instead of closing it.
                bytes = concat(prefix, r.readBody(length - prefix.length));
            } catch (IOException | RuntimeException e) {
                r.close();
                res.headers().clear();
                res.header(REQUEST_ID, reqId);
                boolean timedOut = UpstreamException.isTimeout(e);
                answer(timedOut ? new Ending(504, Outcome.TIMEOUT, ApiErrors.TIMEOUT) : new Ending(502, Outcome.UPSTREAM_ERROR, ApiErrors.API_ERROR),
                        timedOut ? "provider " + lane + " timed out sending its answer" : "provider " + lane + " broke the connection", null);
                return;
            }
            usage = json && (endpoint.messagesApi() || status >= 400) ? JsonUsageParser.parse(bytes, bytes.length) : null;
            if (sampleCap > 0) {
                sampleResponse(r, bytes, bytes.length);
            }
            bytesRelayed = bytes.length;
            ttfbNanos = System.nanoTime() - t0;
            ending = status >= 400
                    ? new Ending(status, Outcome.UPSTREAM_ERROR, usage != null && usage.errorType() != null ? usage.errorType() : "http_" + status)
                    : new Ending(status, Outcome.OK, null);
            record(true);
            try {
                res.send(bytes);
            } catch (RuntimeException e) {
                // Recorded already as the answer it was: the client left while its last bytes were written.
                LOG.log(System.Logger.Level.DEBUG, "request " + reqId + ": the client left during the last write");
            }
        }

        /** Any other body: copied as it arrives; the end is written after the completion is recorded. */
        private void relayStream(UpstreamResponse r, int status, byte[] prefix, boolean sse, boolean json) {
            long deadline = sse ? Long.MAX_VALUE : t0 + ctx.upstream().timeouts().json().toNanos();
            Relay relay = new Relay(sse, endpoint.messagesApi() && json, deadline);
            java.util.function.Supplier<OutputStream> out = res::outputStream;
            Relay.End end = relay.run(prefix, r.body(), out, () -> {
                seen(relay, r);
                ending = completeEnding(relay, status, sse);
                if (ending.outcome() != Outcome.OK) {
                    partial(relay);
                }
                record(true);
            });
            switch (end) {
                case COMPLETE -> closeClient(relay.output());
                case CLIENT_GONE -> {
                    // Cancel upstream at once: the tokens still coming would cost money for nobody.
                    r.close();
                    seen(relay, r);
                    if (!recorded) {
                        ending = new Ending(status, Outcome.CLIENT_ABORT, null);
                        partial(relay);
                    }
                }
                case UPSTREAM_FAILED -> {
                    r.close();
                    if (relay.ended()) {
                        // The answer was whole (message_stop relayed) and recorded so; what broke after it is nobody's loss.
                        closeClient(relay.output());
                        return;
                    }
                    seen(relay, r);
                    boolean timedOut = UpstreamException.isTimeout(relay.failure());
                    Ending failed = timedOut ? new Ending(status, Outcome.TIMEOUT, ApiErrors.TIMEOUT)
                            : new Ending(status, Outcome.UPSTREAM_ERROR, ApiErrors.API_ERROR);
                    String message = timedOut
                            ? "provider " + lane + " went silent for longer than " + (sse ? "CCP_SSE_IDLE_TIMEOUT" : "CCP_JSON_TIMEOUT")
                            : "provider " + lane + " broke the connection";
                    if (relay.output() == null && !res.isSent()) {
                        res.headers().clear();
                        res.header(REQUEST_ID, reqId);
                        answer(new Ending(timedOut ? 504 : 502, failed.outcome(), failed.errorType()), message, null);
                        return;
                    }
                    ending = failed;
                    partial(relay);
                    relay.releaseHeld(out);
                    record(true);
                    if (sse && relay.output() != null) {
                        try {
                            relay.output().write(ApiErrors.sseEvent(failed.errorType(), message));
                            relay.output().flush();
                        } catch (IOException | RuntimeException ignored) {
                            // The client is gone too.
                        }
                    }
                    closeClient(relay.output());
                }
            }
        }

        /** How a body relayed to its end ended: an error status, an error event or a stream cut short are upstream errors. */
        private Ending completeEnding(Relay relay, int status, boolean sse) {
            Usage u = relay.usage();
            if (status >= 400) {
                return new Ending(status, Outcome.UPSTREAM_ERROR, u.errorType() != null ? u.errorType() : "http_" + status);
            }
            if (u.errorType() != null) {
                return new Ending(status, Outcome.UPSTREAM_ERROR, u.errorType());
            }
            if (sse && endpoint.messagesApi() && !u.messageStop()) {
                return new Ending(status, Outcome.UPSTREAM_ERROR, "incomplete_stream");
            }
            return new Ending(status, Outcome.OK, null);
        }

        /** What the relay took for the client: bytes, first byte, usage, and a response sample. */
        private void seen(Relay relay, UpstreamResponse r) {
            if (relayed) {
                return;
            }
            relayed = true;
            bytesRelayed = relay.bytes();
            ttfbNanos = relay.firstByteNanos() < 0 ? -1 : relay.firstByteNanos() - t0;
            usage = relay.usage();
            if (sampleCap > 0) {
                byte[] data = relay.partial().getBytes(StandardCharsets.UTF_8);
                sampleResponse(r, data, data.length);
            }
        }

        // ---- answers the proxy writes itself -----------------------------------------------------

        private void answer(Ending how, String message, String decision) {
            answer(how, message, decision, null);
        }

        /**
         * The proxy's own answer (bad input, a refusal, an upstream failure, a failure of ours): the
         * decision when nothing went upstream, the completion, then the Anthropic-shaped error.
         *
         * @param decision the RouteDecided decision to record first, or null when one was recorded already
         */
        private void answer(Ending how, String message, String decision, String model) {
            if (decision != null) {
                decided(decision, null, null, model, HeaderModes.NONE, message);
                http = NO_UPSTREAM;
            }
            ending = how;
            ttfbNanos = System.nanoTime() - t0;
            record(true);
            try {
                ApiErrors.send(res, how.status(), how.errorType(), message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "request " + reqId + ": the client left before its error answer");
            }
        }

        void failedInside(RuntimeException e) {
            if (recorded) {
                return;
            }
            if (res.isSent()) {
                ending = new Ending(ending.status() == 0 ? 500 : ending.status(), Outcome.PROXY_ERROR, ApiErrors.API_ERROR);
                return;
            }
            res.headers().clear();
            res.header(REQUEST_ID, reqId);
            answer(new Ending(500, Outcome.PROXY_ERROR, ApiErrors.API_ERROR),
                    "the proxy failed (" + e.getClass().getSimpleName() + "); see its log", null);
        }

        private void closeClient(OutputStream os) {
            try {
                if (os != null) {
                    os.close();
                } else if (!res.isSent()) {
                    res.send();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "request " + reqId + ": the client left before the end of its answer");
            }
        }

        // ---- record -----------------------------------------------------------------------------

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
                    query == null || query.isEmpty() ? null : QueryCredentials.redact(query), model, stream, size,
                    OutboundHeaders.clientAuthMode(headers),
                    headers.first(HeaderNames.USER_AGENT).orElse(null),
                    headers.first(HeaderNames.create("x-claude-code-session-id")).orElse(null),
                    dev.ccp.proxy.mitm.Interception.modeOf(req),
                    headers.first(PROJECT).map(String::strip).filter(p -> !p.isEmpty()).orElse(null)));
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

        private void attempted(int attempt, UpstreamRequest r, int upstreamStatus, long durationUs, String attemptOutcome,
                               String attemptError, UpstreamResponse answer) {
            AttemptRateLimits limits = AttemptRateLimits.of(r.headers(), answer == null ? null : answer.headers());
            if (limits != null && limits.limits().malformed() > 0) {
                ctx.metrics().rateLimitHeadersMalformed(r.provider().name(), limits.limits().malformed());
            }
            ctx.events().offer(new Event.UpstreamAttempt(eventId(), reqId, micros(), ctx.instance(), attempt,
                    r.provider().name(), withoutQuery(r.url()), http, upstreamStatus, durationUs, attemptOutcome, attemptError,
                    limits == null ? null : limits.credential(), limits == null ? null : limits.limits()));
        }

        /**
         * Writes the request's {@code ResponseCompleted} once.
         *
         * @param beforeTheEnd the client has not seen the end of the answer yet: wait (bounded) until the log holds it
         */
        void record(boolean beforeTheEnd) {
            if (recorded) {
                return;
            }
            recorded = true;
            long latency = System.nanoTime() - t0;
            Usage u = usage;
            Event.ResponseCompleted completed = new Event.ResponseCompleted(eventId(), reqId, micros(), ctx.instance(),
                    ending.status(), op, latency / 1000, ttfbNanos < 0 ? -1 : ttfbNanos / 1000,
                    u == null ? 0 : u.inputTokens(), u == null ? 0 : u.outputTokens(),
                    u == null ? 0 : u.cacheCreationInputTokens(), u == null ? 0 : u.cacheReadInputTokens(),
                    u == null ? null : u.stopReason(), http, ending.outcome().wire(), bytesRelayed, ending.errorType(),
                    u == null || u.cacheCreation1hInputTokens() <= 0 ? null : u.cacheCreation1hInputTokens());
            if (beforeTheEnd) {
                ctx.events().offerAndWait(completed);
            } else {
                ctx.events().offer(completed);
            }
        }

        void count() {
            ctx.metrics().requestFinished(lane, op, ending.status(), System.nanoTime() - t0, ttfbNanos);
            Usage u = usage;
            if (u != null) {
                ctx.metrics().tokens(lane, "input", u.inputTokens());
                ctx.metrics().tokens(lane, "output", u.outputTokens());
                ctx.metrics().tokens(lane, "cache_creation", u.cacheCreationInputTokens());
                ctx.metrics().tokens(lane, "cache_read", u.cacheReadInputTokens());
            }
        }
    }

    /** The attempt's URL as recorded: the query (which may hold a credential) is in RequestReceived, redacted. */
    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
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
