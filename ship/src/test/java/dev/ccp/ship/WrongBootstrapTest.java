package dev.ccp.ship;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.EventLog;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.events.testing.SampleEvents;
import dev.ccp.ship.testing.Team;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No broker where the bootstrap address points. */
@Tag("kafka")
class WrongBootstrapTest {

    @Test
    void teamProjectorSaysSoInOneLineAndExitsTwo(@TempDir Path team) {
        String nobody = "127.0.0.1:" + Team.freePort();
        for (List<String> args : List.of(List.of("--source", "kafka://" + nobody + "/ccp.events", "--once"),
                List.of("--source", "kafka://" + nobody + "/ccp.events"))) {
            try (ChildJvm p = ChildJvm.start(dev.ccp.projector.Main.class, Team.env(team, "team"), args.toArray(String[]::new))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !p.process().isAlive());
                assertEquals(2, p.process().exitValue());
                assertEquals(List.of("ccp-projector: cannot reach Kafka at " + nobody), p.stderr().stream()
                        .map(l -> l.replaceAll(" \\(.*\\)$", "")).toList(), () -> String.join("\n", p.stderr()));
            }
        }
        try (ChildJvm p = ChildJvm.start(dev.ccp.projector.Main.class, Team.env(team, "team"), "--source", "kafka:/x")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !p.process().isAlive());
            assertEquals(2, p.process().exitValue());
            assertEquals(List.of("ccp-projector: --source must be kafka://HOST:PORT[,HOST:PORT]/TOPIC, not 'kafka:/x'"), p.stderr());
        }
    }

    @Test
    void shipperKeepsRetryingSaysSoOnceAndShowsTheBacklog(@TempDir Path ann) {
        try (EventLog log = EventLog.open(CcpPaths.under(ann).queueDir())) {
            SampleEvents.oneOfEach(1_000_000).forEach(log::append);
        }
        int events = SampleEvents.oneOfEach(1_000_000).size();
        int readyz = Team.freePort();
        String nobody = "127.0.0.1:" + Team.freePort();
        try (ChildJvm shipper = Team.shipper(ann, "ann@one", nobody, "t", "--port", Integer.toString(readyz))) {
            // Several attempts, each waiting for the broker up to the producer's max.block.ms (5 s).
            await().atMost(Duration.ofSeconds(120)).until(() -> Team.number(Team.get(readyz, "/readyz").getValue(), "retries") >= 3);
            Map.Entry<Integer, String> r = Team.get(readyz, "/readyz");
            assertEquals(503, r.getKey(), r.getValue());
            assertTrue(r.getValue().contains("\"backlog\":" + events + ","), r.getValue());
            assertTrue(shipper.process().isAlive());
            List<String> said = shipper.stderr().stream().filter(l -> l.contains("cannot ship to Kafka at " + nobody)).toList();
            assertEquals(1, said.size(), () -> String.join("\n", shipper.stderr()));
            assertTrue(said.getFirst().contains("retrying with backoff"), said.getFirst());
        }
    }
}
