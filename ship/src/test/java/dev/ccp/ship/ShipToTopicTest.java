package dev.ccp.ship;

import dev.ccp.events.testing.ChildJvm;
import dev.ccp.kafkadev.BrokerProcess;
import dev.ccp.ship.testing.Team;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("kafka")
class ShipToTopicTest {
    @TempDir
    static Path broker;
    static BrokerProcess kafka;

    @BeforeAll
    static void startBroker() {
        kafka = BrokerProcess.start(broker);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shippedLogProjectsToTheSameUsageLinesAsTheLocalLog(@TempDir Path member, @TempDir Path team) {
        try (ChildJvm writer = Team.writer(member, "ann@one", 200, 400);
             ChildJvm shipper = Team.shipper(member, "ann@one", kafka.bootstrap(), "t1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.stdout().contains("wrote 200"));
            List<String> local = Team.localUsage(member);
            assertEquals(200, local.size());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Team.teamOnce(team, kafka.bootstrap(), "t1", false);
                assertEquals(new HashSet<>(local), new HashSet<>(Team.lines(team.resolve("logs/usage.jsonl"))));
            });
            assertEquals(200, Team.lines(team.resolve("logs/usage.jsonl")).size());
        }
    }
}
