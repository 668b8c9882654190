package dev.ccp.projector.projection;

/**
 * One finished request as every projection sees it: joined from its events by {@link RequestJoin},
 * or carried whole by an {@code ImportedSample}. {@code index} is the queue index of the event that
 * finished it (its position in every projection); times are event times in microseconds.
 * {@code ttfbUs} is -1 when no byte reached the client; nullable strings are null when the log never said.
 * {@code member} is the member of the request's proxy instance ({@code ProxyStarted}), null when unknown.
 * {@code cost} and {@code listCost} (pico-dollars) are derived by {@link RequestPricer} from the price
 * table, never read from an event: null when unpriced (or not priced yet).
 * {@code sessionId} is Claude Code's session id from {@code RequestReceived}; {@code firstIndex} is the
 * queue index of the request's first event, where a reader of its event trail starts.
 * {@code cacheWrite1hTokens} is the part of the cache writes made to the 1-hour cache (0 when the log did not split them).
 */
public record FinishedRequest(long index, int seq, long tsUs, String reqId, String instance,
                              String model, String upstreamModel, String lane, String provider,
                              String decision, String op, int status, String headerMode, String http,
                              long latencyUs, long ttfbUs,
                              long inputTokens, long outputTokens,
                              long cacheCreationInputTokens, long cacheReadInputTokens, long cacheWrite1hTokens,
                              String stopReason, String outcome, int attempts,
                              String sessionId, String project, Long cost, Long listCost, long firstIndex,
                              String member) {

    /** Before pricing and without attribution or member (tests); its trail starts at the event that finished it. */
    public FinishedRequest(long index, int seq, long tsUs, String reqId, String instance,
                           String model, String upstreamModel, String lane, String provider,
                           String decision, String op, int status, String headerMode, String http,
                           long latencyUs, long ttfbUs,
                           long inputTokens, long outputTokens,
                           long cacheCreationInputTokens, long cacheReadInputTokens,
                           String stopReason, String outcome, int attempts) {
        this(index, seq, tsUs, reqId, instance, model, upstreamModel, lane, provider, decision, op, status, headerMode,
                http, latencyUs, ttfbUs, inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens, 0,
                stopReason, outcome, attempts, null, null, null, null, index, null);
    }

    public FinishedRequest withSeq(int n) {
        return new FinishedRequest(index, n, tsUs, reqId, instance, model, upstreamModel, lane, provider, decision, op, status,
                headerMode, http, latencyUs, ttfbUs, inputTokens, outputTokens, cacheCreationInputTokens,
                cacheReadInputTokens, cacheWrite1hTokens, stopReason, outcome, attempts, sessionId, project, cost, listCost, firstIndex, member);
    }

    public FinishedRequest withCosts(Long providerCost, Long list) {
        return new FinishedRequest(index, seq, tsUs, reqId, instance, model, upstreamModel, lane, provider, decision, op, status,
                headerMode, http, latencyUs, ttfbUs, inputTokens, outputTokens, cacheCreationInputTokens,
                cacheReadInputTokens, cacheWrite1hTokens, stopReason, outcome, attempts, sessionId, project, providerCost, list, firstIndex, member);
    }

    /** The model the serving provider was asked for: the route's rewrite, else the client's. */
    public String servedModel() {
        return upstreamModel != null ? upstreamModel : model;
    }

    /** Served by a provider other than the one list prices are measured against. */
    public boolean offloaded() {
        return offloadedBy(provider);
    }

    /** Whether a request served by {@code provider} was offloaded (served by other than the list-price provider). */
    public static boolean offloadedBy(String provider) {
        return provider != null && !provider.equals(dev.ccp.policy.price.PriceTable.LIST_PROVIDER);
    }

    /** {@code list − cost} for an offloaded request with both figures, else 0 (pico-dollars). */
    public long saved() {
        return offloaded() && cost != null && listCost != null ? listCost - cost : 0;
    }

    /** Failed from the operator's point of view: an error status, or an outcome other than ok or client_abort. */
    public boolean isError() {
        return status >= 400 || !("ok".equals(outcome) || "client_abort".equals(outcome));
    }

    /** A provider's rate or capacity limit answer (429, 529). */
    public boolean isLimited() {
        return status == 429 || status == 529;
    }
}
