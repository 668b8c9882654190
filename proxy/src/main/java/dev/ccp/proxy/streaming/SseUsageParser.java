package dev.ccp.proxy.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads usage out of an SSE stream as its bytes pass by, after they were relayed: {@code
 * message_start.message.usage}, {@code message_delta.usage} (cumulative: the last value wins),
 * {@code message_delta.delta.stop_reason}, in-stream {@code error} events and {@code message_stop}.
 * Unknown events and missing fields are ignored; only the few small events above are parsed, the
 * content deltas are skipped without a JSON parse, and a line is never held beyond a cap.
 */
public final class SseUsageParser {
    private static final ObjectMapper JSON = dev.ccp.events.Json.MAPPER;
    private static final int LINE_CAP = 256 * 1024;
    private static final Set<String> PARSED = Set.of("message_start", "message_delta", "message_stop", "error");
    private static final String CONTENT_DELTA = "content_block_delta";

    private final Usage usage = new Usage();
    private byte[] line = new byte[1024];
    private int lineLength;
    private boolean lineOverflow;
    private String eventName;
    private StringBuilder data;

    private boolean stopAnnounced;

    public Usage usage() {
        return usage;
    }

    /** True from the {@code event: message_stop} line on (before its data ends the event). */
    public boolean stopAnnounced() {
        return stopAnnounced || usage.messageStop;
    }

    public void feed(byte[] buf, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte b = buf[i];
            if (b == '\n') {
                endOfLine();
            } else if (!lineOverflow) {
                if (lineLength == line.length) {
                    if (line.length >= LINE_CAP) {
                        lineOverflow = true;
                        continue;
                    }
                    line = java.util.Arrays.copyOf(line, Math.min(LINE_CAP, line.length * 2));
                }
                line[lineLength++] = b;
            }
        }
    }

    private void endOfLine() {
        int n = lineLength;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        boolean overflow = lineOverflow;
        lineLength = 0;
        lineOverflow = false;
        if (n == 0 && !overflow) {
            dispatch();
            return;
        }
        if (startsWith("event:", n)) {
            eventName = eventName(n);
            if ("message_stop".equals(eventName)) {
                stopAnnounced = true;
            }
        } else if (startsWith("data:", n) && !overflow && (eventName == null || PARSED.contains(eventName))) {
            if (data == null) {
                data = new StringBuilder();
            } else {
                data.append('\n');
            }
            data.append(new String(line, 5, n - 5, StandardCharsets.UTF_8).stripLeading());
        }
    }

    /**
     * The event's name; one of the parsed names is returned as its constant, so the many content
     * deltas and pings cost no String each.
     */
    private String eventName(int n) {
        int from = 6;
        int to = n;
        while (from < to && (line[from] & 0xff) <= ' ') {
            from++;
        }
        while (to > from && (line[to - 1] & 0xff) <= ' ') {
            to--;
        }
        for (String name : PARSED) {
            if (equalsAscii(name, from, to)) {
                return name;
            }
        }
        return to - from == CONTENT_DELTA.length() && equalsAscii(CONTENT_DELTA, from, to) ? CONTENT_DELTA
                : new String(line, from, to - from, StandardCharsets.UTF_8);
    }

    private boolean equalsAscii(String name, int from, int to) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (line[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWith(String prefix, int n) {
        if (n < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void dispatch() {
        String name = eventName;
        StringBuilder d = data;
        eventName = null;
        data = null;
        if (d == null) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(d.toString());
        } catch (Exception e) {
            return;
        }
        if (node == null) {
            return;
        }
        String type = node.path("type").asText(name == null ? "" : name);
        switch (type) {
            case "message_start" -> usage.readUsage(node.path("message").path("usage"));
            case "message_delta" -> {
                usage.readUsage(node.path("usage"));
                JsonNode stop = node.path("delta").path("stop_reason");
                if (stop.isTextual()) {
                    usage.stopReason = stop.asText();
                }
            }
            case "message_stop" -> usage.messageStop = true;
            case "error" -> usage.errorType = node.path("error").path("type").asText("error");
            default -> {
                // Unknown or uninteresting events: tolerated.
            }
        }
    }
}
