package dev.ccp.readmodel.dashboard;

/**
 * One finished request as the {@code samples} table holds it. {@code ttfbMs} is null when no byte
 * reached the client; {@code firstIndex} (the queue index of the request's first event) and
 * {@code sessionId} are null in rows written before those columns existed.
 */
public record FinishedSample(long index, int seq, long tsUs, String reqId, String model, String upstreamModel,
                             String lane, String provider, String decision, String op, int status,
                             double latencyMs, Double ttfbMs, long inputTokens, long outputTokens,
                             long cacheCreationInputTokens, long cacheReadInputTokens, String outcome,
                             int attempts, String sessionId, Long firstIndex) {

    /** Failed from the operator's point of view, as the rollups count errors. */
    public boolean isError() {
        return status >= 400 || !("ok".equals(outcome) || "client_abort".equals(outcome));
    }
}
