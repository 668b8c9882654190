package dev.ccp.ship;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.events.EventCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The last commit a shipper saw acknowledged, kept beside the local log ({@code <log dir>/ship-acknowledged})
 * so that a shipper started again after a kill -9 knows it too. It names the topic by Kafka's topic id,
 * so a topic deleted and made again (or another cluster) never inherits it. Written only after a commit
 * returned, so it is never ahead of what Kafka holds; a write that did not happen leaves it behind, and
 * then what Kafka reads back decides, as it would without this file.
 */
final class AcknowledgedPosition {
    private AcknowledgedPosition() {
    }

    static Path fileIn(Path logDir) {
        return logDir.resolve("ship-acknowledged");
    }

    /** The position kept for {@code topicId}, or NONE when there is none, it names another topic, or it is unreadable. */
    static ShippedPosition.Position load(Path file, String topicId) {
        if (topicId == null || !Files.isRegularFile(file)) {
            return ShippedPosition.Position.NONE;
        }
        try {
            JsonNode n = EventCodec.mapper().readTree(Files.readAllBytes(file));
            if (!topicId.equals(n.path("topic_id").asText(null)) || !n.path("index").canConvertToLong()) {
                return ShippedPosition.Position.NONE;
            }
            return new ShippedPosition.Position(n.path("index").asLong(), n.path("shipped").asLong(0));
        } catch (IOException unreadable) {
            return ShippedPosition.Position.NONE;
        }
    }

    static void save(Path file, String topicId, ShippedPosition.Position at) throws IOException {
        var n = EventCodec.mapper().createObjectNode();
        n.put("topic_id", topicId);
        n.put("index", at.index());
        n.put("shipped", at.shipped());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, (n + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
