package dev.ccp.proxy.streaming;

/**
 * Token usage and stop reason seen in a response. Fields stay 0/null when the provider did not say
 * (Z.AI omits {@code cache_creation_input_tokens}).
 */
public final class Usage {
    long inputTokens;
    long outputTokens;
    long cacheCreationInputTokens;
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
    }
}
