package dev.ccp.ship;

import dev.ccp.events.testing.ChildJvm;
import dev.ccp.kafkadev.BrokerProcess;
import dev.ccp.ship.testing.Team;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker stopped under load and started again. The outage lasts CCP_TEST_KAFKA_OUTAGE_SECONDS
 * (default 30).
 */
@Tag("kafka")
class BrokerOutageTest {
    private static final int OUTAGE_SECONDS = Integer.parseInt(
            System.getenv().getOrDefault("CCP_TEST_KAFKA_OUTAGE_SECONDS", "30"));

    private static long said(ChildJvm shipper) {
        return shipper.stderr().stream().filter(l -> l.contains("cannot ship to Kafka")).count();
    }

    @Test
    void brokerStoppedUnderLoadAndStartedAgainLosesAndDoublesNothing(@TempDir Path brokerDir, @TempDir Path ann,
                                                                      @TempDir Path team) {
        int perSecond = 100;
        String topic = "outage";
        Path teamUsage = team.resolve("logs/usage.jsonl");
        int readyz = Team.freePort();
        try (BrokerProcess kafka = BrokerProcess.start(brokerDir);
             ChildJvm writer = Team.writer(ann, "ann@one", 0, perSecond);
             ChildJvm shipper = Team.shipper(ann, "ann@one", kafka.bootstrap(), topic, "--port", Integer.toString(readyz));
             ChildJvm projector = Team.teamProjector(team, kafka.bootstrap(), topic)) {
            List<ChildJvm> all = List.of(shipper, projector);
            Team.awaitOrShow(all, Duration.ofSeconds(120), () -> Team.lines(teamUsage).size() > 100);
            assertEquals(200, Team.get(readyz, "/readyz").getKey());

            // Said once per outage: a broker slow to answer the very first connection is another one.
            long saidBefore = said(shipper);
            kafka.stop();
            // The whole outage long, both keep running; the shipper says Kafka is unreachable.
            await().during(Duration.ofSeconds(OUTAGE_SECONDS)).atMost(Duration.ofSeconds(OUTAGE_SECONDS + 15))
                    .until(() -> shipper.process().isAlive() && projector.process().isAlive());
            Map.Entry<Integer, String> down = Team.get(readyz, "/readyz");
            assertEquals(503, down.getKey(), down.getValue());
            assertTrue(down.getValue().contains("\"status\":\"kafka_unreachable\""), down.getValue());
            long backlog = Team.number(down.getValue(), "backlog");
            assertTrue(backlog > perSecond, "the local log holds what Kafka could not take: " + down.getValue());

            kafka.startAgain();
            int before = Team.lines(teamUsage).size();
            Team.awaitOrShow(all, Duration.ofSeconds(120), () -> Team.lines(teamUsage).size() > before + 100);
            int requests = Team.stopWriter(ann, writer);
            List<String> local = Team.localUsage(ann);
            assertEquals(requests, local.size());
            Team.awaitOrShow(all, Duration.ofSeconds(120), () -> Team.lines(teamUsage).size() >= requests);
            await().atMost(Duration.ofSeconds(30)).until(() -> Team.get(readyz, "/readyz").getKey() == 200
                    && Team.get(readyz, "/readyz").getValue().contains("\"backlog\":0"));
            List<String> teamLines = Team.lines(teamUsage);
            assertEquals(requests, teamLines.size(), () -> "0 lost, 0 duplicated; team lines not in the local log or seen twice: "
                    + Team.differences(local, teamLines) + "; " + Team.eventsShippedTwice(kafka.bootstrap(), topic));
            assertEquals(new HashSet<>(local), new HashSet<>(teamLines));
            assertEquals(1, said(shipper) - saidBefore, () -> "said once: " + shipper.stderr());
        }
    }

    /**
     * The broker stopped mid-commit and the shipper killed while it is down: the shipper started after
     * the broker is back has no memory of the last commit acknowledged to the one before, only its file.
     */
    @Test
    void shipperKilledWhileTheBrokerIsDownResumesWithoutShippingItsLastBatchAgain(@TempDir Path brokerDir, @TempDir Path ann,
                                                                                  @TempDir Path team) {
        String topic = "outage-kill";
        Path teamUsage = team.resolve("logs/usage.jsonl");
        int readyz = Team.freePort();
        try (BrokerProcess kafka = BrokerProcess.start(brokerDir);
             ChildJvm writer = Team.writer(ann, "ann@one", 0, 100);
             ChildJvm projector = Team.teamProjector(team, kafka.bootstrap(), topic)) {
            try (ChildJvm first = Team.shipper(ann, "ann@one", kafka.bootstrap(), topic, "--port", Integer.toString(readyz))) {
                Team.awaitOrShow(List.of(first, projector), Duration.ofSeconds(120), () -> Team.lines(teamUsage).size() > 100);
                kafka.stop();
                await().atMost(Duration.ofSeconds(60)).until(() -> Team.get(readyz, "/readyz").getKey() == 503);
                first.kill();
            }
            kafka.startAgain();
            try (ChildJvm second = Team.shipper(ann, "ann@one", kafka.bootstrap(), topic)) {
                int before = Team.lines(teamUsage).size();
                Team.awaitOrShow(List.of(second, projector), Duration.ofSeconds(120),
                        () -> Team.lines(teamUsage).size() > before + 100);
                int requests = Team.stopWriter(ann, writer);
                List<String> local = Team.localUsage(ann);
                assertEquals(requests, local.size());
                Team.awaitOrShow(List.of(second, projector), Duration.ofSeconds(120),
                        () -> Team.lines(teamUsage).size() >= requests);
                List<String> teamLines = Team.lines(teamUsage);
                assertEquals(requests, teamLines.size(), () -> "0 lost, 0 duplicated; team lines not in the local log or seen twice: "
                        + Team.differences(local, teamLines) + "; " + Team.eventsShippedTwice(kafka.bootstrap(), topic));
                assertEquals(new HashSet<>(local), new HashSet<>(teamLines));
            }
        }
    }
}
