package dev.ccp.ship;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AcknowledgedPositionTest {
    @Test
    void theLastAcknowledgedCommitIsReadBackForTheSameTopic(@TempDir Path logDir) throws Exception {
        Path file = AcknowledgedPosition.fileIn(logDir);
        AcknowledgedPosition.save(file, "topic-a", new ShippedPosition.Position(0x51360000_0010L, 17));
        AcknowledgedPosition.save(file, "topic-a", new ShippedPosition.Position(0x51360000_0020L, 33));
        assertEquals(new ShippedPosition.Position(0x51360000_0020L, 33), AcknowledgedPosition.load(file, "topic-a"));
    }

    @Test
    void aTopicMadeAgainOrAnotherClusterInheritsNothing(@TempDir Path logDir) throws Exception {
        Path file = AcknowledgedPosition.fileIn(logDir);
        AcknowledgedPosition.save(file, "topic-a", new ShippedPosition.Position(42, 43));
        assertEquals(ShippedPosition.Position.NONE, AcknowledgedPosition.load(file, "topic-b"));
        assertEquals(ShippedPosition.Position.NONE, AcknowledgedPosition.load(file, null));
    }

    @Test
    void aMissingOrUnreadableFileMeansNothingIsKnown(@TempDir Path logDir) throws Exception {
        Path file = AcknowledgedPosition.fileIn(logDir);
        assertEquals(ShippedPosition.Position.NONE, AcknowledgedPosition.load(file, "topic-a"));
        Files.writeString(file, "{\"topic_id\":\"topic-a\",\"ind");
        assertEquals(ShippedPosition.Position.NONE, AcknowledgedPosition.load(file, "topic-a"));
    }
}
