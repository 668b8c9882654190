package dev.ccp.projector.golden;

import dev.ccp.events.CcpPaths;
import dev.ccp.projector.Progress;
import dev.ccp.projector.Projector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed golden log gives, byte for byte, the committed {@code usage.jsonl}, {@code METRICS.json},
 * partial files and SQLite dump: whether projected in one run, in many small runs, or rebuilt.
 */
class GoldenReplayTest {
    @TempDir
    Path dir;

    private static Path golden() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(GoldenReplayTest.class.getResource("/golden/events.jsonl")).toURI()).getParent();
    }

    private static void assertMatchesGolden(Map<String, String> actual) throws Exception {
        for (var e : actual.entrySet()) {
            assertEquals(Files.readString(golden().resolve(e.getKey())), e.getValue(), e.getKey() + " differs from golden/" + e.getKey());
        }
    }

    @Test
    void theGoldenLogProjectedInOneRunGivesTheCommittedOutputsByteForByte() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        GoldenLog.project(paths, GoldenLog.read(golden().resolve("events.jsonl")), 0);
        assertMatchesGolden(GoldenLog.outputs(paths));
    }

    @Test
    void theGoldenLogProjectedInSmallStepsThenRebuiltGivesTheSameCommittedOutputs() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        GoldenLog.project(paths, GoldenLog.read(golden().resolve("events.jsonl")), 37);
        assertMatchesGolden(GoldenLog.outputs(paths));

        Projector.rebuild(paths, Set.of(), GoldenLog.SETTINGS, Progress.NONE);
        assertMatchesGolden(GoldenLog.outputs(paths));
    }

    @Test
    void theCommittedLogIsWhatTheGeneratorWrites() throws Exception {
        List<String> committed = Files.readAllLines(golden().resolve("events.jsonl"));
        List<String> generated = GoldenLog.documents().stream().map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).toList();
        assertEquals(committed, generated, "the event codec writes the fixture's documents as it did when they were committed");
    }
}
