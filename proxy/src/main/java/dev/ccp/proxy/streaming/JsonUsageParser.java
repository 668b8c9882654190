package dev.ccp.proxy.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Usage, stop reason and error type of a non-streaming Messages answer (or an error body). */
public final class JsonUsageParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonUsageParser() {
    }

    public static Usage parse(byte[] body, int length) {
        Usage usage = new Usage();
        if (length <= 0) {
            return usage;
        }
        try {
            JsonNode node = JSON.readTree(body, 0, length);
            if (node == null || !node.isObject()) {
                return usage;
            }
            usage.readUsage(node.path("usage"));
            if (node.path("stop_reason").isTextual()) {
                usage.stopReason = node.path("stop_reason").asText();
            }
            if ("error".equals(node.path("type").asText())) {
                usage.errorType = node.path("error").path("type").asText("error");
            }
        } catch (Exception ignored) {
            // Not JSON (or cut at the capture cap): no usage to report.
        }
        return usage;
    }
}
