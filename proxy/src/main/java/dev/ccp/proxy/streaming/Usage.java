package dev.ccp.proxy.streaming;

/**
 * Token usage and stop reason seen in a response. Fields stay 0/null when the provider did not say
 * (Z.AI omits {@code cache_creation_input_tokens}).
 */
public final class Usage {
    long inputTokens;
    long outputTokens;
    long cacheCreationInputTokens;
    /** The part of the cache writes made to the 1-hour cache ({@code cache_creation.ephemeral_1h_input_tokens}). */
    long cacheCreation1hInputTokens;
    long cacheReadInputTokens;
    String stopReason;
    String errorType;
    boolean messageStop;

    public long inputTokens() {
        return inputTokens;
    }

    public long outputTokens() {
        return outputTokens;
    }

    public long cacheCreationInputTokens() {
        return cacheCreationInputTokens;
    }

    /** The 1-hour part of {@link #cacheCreationInputTokens()}: 0 when the answer did not split its cache writes. */
    public long cacheCreation1hInputTokens() {
        return cacheCreation1hInputTokens;
    }

    public long cacheReadInputTokens() {
        return cacheReadInputTokens;
    }

    public String stopReason() {
        return stopReason;
    }

    /** The {@code error.type} of an in-stream error event or an error body, else null. */
    public String errorType() {
        return errorType;
    }

    /** True once a stream's {@code message_stop} was seen: the stream ended as it should. */
    public boolean messageStop() {
        return messageStop;
    }

    void readUsage(com.fasterxml.jackson.databind.JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        // Cumulative counts: the last value seen is the total, never a sum.
        if (usage.path("input_tokens").isNumber()) {
            inputTokens = usage.path("input_tokens").asLong();
        }
        if (usage.path("output_tokens").isNumber()) {
            outputTokens = usage.path("output_tokens").asLong();
        }
        if (usage.path("cache_creation_input_tokens").isNumber()) {
            cacheCreationInputTokens = usage.path("cache_creation_input_tokens").asLong();
        }
        if (usage.path("cache_read_input_tokens").isNumber()) {
            cacheReadInputTokens = usage.path("cache_read_input_tokens").asLong();
        }
        if (usage.path("cache_creation").path("ephemeral_1h_input_tokens").isNumber()) {
            cacheCreation1hInputTokens = usage.path("cache_creation").path("ephemeral_1h_input_tokens").asLong();
        }
    }
}
