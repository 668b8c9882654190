package dev.ccp.ship;

import dev.ccp.events.Event;
import dev.ccp.events.EventCodec;
import dev.ccp.events.Ids;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.kafkadev.BrokerProcess;
import dev.ccp.projector.Summary;
import dev.ccp.projector.TopicSource;
import dev.ccp.ship.testing.Team;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Team mode against a real broker process: members' logs shipped to one topic and projected from it. */
@Tag("kafka")
class TeamShippingTest {
    @TempDir
    static Path brokerDir;
    static BrokerProcess kafka;

    @BeforeAll
    static void startBroker() {
        kafka = BrokerProcess.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void twoMembersShippingAtOnceMakeATeamProjectionThatIsTheUnionOfTheirLocalOnes(
            @TempDir Path ann, @TempDir Path bob, @TempDir Path team, @TempDir Path again) throws Exception {
        try (ChildJvm annWriter = Team.writer(ann, "ann@one", 600, 300);
             ChildJvm bobWriter = Team.writer(bob, "bob@two", 400, 200);
             ChildJvm annShipper = Team.shipper(ann, "ann@one", kafka.bootstrap(), "two-members");
             ChildJvm bobShipper = Team.shipper(bob, "bob@two", kafka.bootstrap(), "two-members")) {
            await().atMost(Duration.ofSeconds(90)).until(() -> annWriter.stdout().contains("wrote 600")
                    && bobWriter.stdout().contains("wrote 400"));
            List<String> union = new ArrayList<>(Team.localUsage(ann));
            union.addAll(Team.localUsage(bob));
            assertEquals(1000, union.size());
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                Team.teamOnce(team, kafka.bootstrap(), "two-members", false);
                assertEquals(1000, Team.lines(team.resolve("logs/usage.jsonl")).size());
            });
        }
        List<String> teamLines = Team.lines(team.resolve("logs/usage.jsonl"));
        List<String> union = new ArrayList<>(Team.lines(ann.resolve("logs/usage.jsonl")));
        union.addAll(Team.lines(bob.resolve("logs/usage.jsonl")));
        assertEquals(new HashSet<>(union), new HashSet<>(teamLines), "the team's lines are exactly the members' lines");
        assertTrue(Team.countByRequest(teamLines).values().stream().allMatch(n -> n == 1), "no request twice");
        assertEquals(Team.totalsText(union, "lane"), Team.totalsText(teamLines, "lane"));
        assertEquals(Team.totalsText(union, "member"), Team.totalsText(teamLines, "member"));
        assertEquals(Map.of("ann@one", 600L, "bob@two", 400L),
                Map.of("ann@one", Team.totalsBy(teamLines, "member").get("ann@one")[0],
                        "bob@two", Team.totalsBy(teamLines, "member").get("bob@two")[0]));

        // A rebuild holds the same lines as the projection built while the members shipped (that one in
        // arrival order), and a rebuild in place or in a fresh folder gives the same bytes.
        Team.teamOnce(team, kafka.bootstrap(), "two-members", true);
        assertEquals(new HashSet<>(teamLines), new HashSet<>(Team.lines(team.resolve("logs/usage.jsonl"))));
        assertEquals(teamLines.size(), Team.lines(team.resolve("logs/usage.jsonl")).size());
        byte[] usage = Files.readAllBytes(team.resolve("logs/usage.jsonl"));
        byte[] metrics = Files.readAllBytes(team.resolve("results/METRICS.json"));
        Team.teamOnce(again, kafka.bootstrap(), "two-members", true);
        assertArrayEquals(usage, Files.readAllBytes(again.resolve("logs/usage.jsonl")));
        assertArrayEquals(metrics, Files.readAllBytes(again.resolve("results/METRICS.json")));
        Team.teamOnce(team, kafka.bootstrap(), "two-members", true);
        assertArrayEquals(usage, Files.readAllBytes(team.resolve("logs/usage.jsonl")));
    }

    @Test
    void shipperAndTeamProjectorKilledFiveTimesUnderLoadLoseAndDoubleNothing(@TempDir Path ann, @TempDir Path team) {
        String topic = "killed";
        Path teamUsage = team.resolve("logs/usage.jsonl");
        List<ChildJvm> started = new ArrayList<>();
        try (ChildJvm writer = Team.writer(ann, "ann@one", 0, 100)) {
            started.add(Team.shipper(ann, "ann@one", kafka.bootstrap(), topic));
            for (int kill = 1; kill <= 5; kill++) {
                int before = Team.lines(teamUsage).size();
                ChildJvm projector = Team.teamProjector(team, kafka.bootstrap(), topic);
                started.add(projector);
                // Both are at work (the team projection grows) when the kill comes.
                Team.awaitOrShow(started, Duration.ofSeconds(90), () -> Team.lines(teamUsage).size() > before + 20);
                System.out.printf("kill %d: %d team lines%n", kill, Team.lines(teamUsage).size());
                started.getFirst().kill();
                projector.kill();
                started.removeFirst();
                started.addFirst(Team.shipper(ann, "ann@one", kafka.bootstrap(), topic));
            }
            started.add(Team.teamProjector(team, kafka.bootstrap(), topic));
            // Under load to the end: the writer stops only once the last shipper and projector are at work.
            int before = Team.lines(teamUsage).size();
            Team.awaitOrShow(started, Duration.ofSeconds(90), () -> Team.lines(teamUsage).size() > before + 20);
            int requests = Team.stopWriter(ann, writer);
            List<String> local = Team.localUsage(ann);
            assertEquals(requests, local.size());
            Team.awaitOrShow(started, Duration.ofSeconds(120), () -> Team.lines(teamUsage).size() >= requests);
            ChildJvm last = started.getLast();
            last.terminate();
            await().atMost(Duration.ofSeconds(30)).until(() -> !last.process().isAlive());
            List<String> teamLines = Team.lines(teamUsage);
            assertEquals(requests, teamLines.size(), "every request once");
            assertEquals(new HashSet<>(local), new HashSet<>(teamLines));
            Summary more = Team.teamOnce(team, kafka.bootstrap(), topic, false);
            assertEquals(requests, Team.lines(teamUsage).size(), "nothing applied twice: " + more);
        } finally {
            started.forEach(ChildJvm::close);
        }
    }

    @Test
    void recordsThatAreNotCcpEventsAreSkippedCountedAndNamedByPartitionAndOffset(@TempDir Path team) throws Exception {
        String topic = "mixed";
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrap());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        List<byte[]> values = new ArrayList<>();
        long t = System.currentTimeMillis() * 1000;
        String instance = Ids.instanceId();
        values.add(EventCodec.encode(new Event.ProxyStarted(Ids.eventId(t), null, t, instance, "test", "127.0.0.1", 0, 1,
                List.of(), "ann@one")));
        values.add("not json at all".getBytes(StandardCharsets.UTF_8));
        values.add("{\"order\":17,\"sku\":\"from another producer\"}".getBytes(StandardCharsets.UTF_8));
        values.add(("{\"type\":\"RouteDecided\",\"v\":99,\"id\":\"x\",\"ts_us\":" + (t + 5) + "}").getBytes(StandardCharsets.UTF_8));
        String req = Ids.requestId();
        values.add(EventCodec.encode(new Event.RequestReceived(Ids.eventId(t), req, t + 10, instance, "POST", "/v1/messages",
                null, "claude-haiku-4-5", false, 10, "x-api-key", "test", null)));
        values.add(EventCodec.encode(new Event.ResponseCompleted(Ids.eventId(t), req, t + 20, instance, 200, "nonstream",
                10, 5, 7, 3, 0, 0, "end_turn", "h1", "ok", 100, null)));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            // One partition's worth of order: the same key for all.
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, 0, t / 1000 + i, "k".getBytes(StandardCharsets.UTF_8), values.get(i))).get();
            }
        }
        try (ChildJvm once = ChildJvm.start(dev.ccp.projector.Main.class, Team.env(team, "team"),
                "--source", "kafka://" + kafka.bootstrap() + "/" + topic, "--once")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !once.process().isAlive());
            assertEquals(0, once.process().exitValue(), () -> String.join("\n", once.stderr()));
            assertTrue(once.stdout().getLast().contains("(3 unreadable skipped)"), once.stdout().getLast());
            // Three in a row are one stretch: the first is logged with its partition and offset, the rest
            // summed up in one line naming the last one; none is logged twice.
            List<String> skipLines = once.stderr().stream().filter(l -> l.contains("unreadable event")).toList();
            assertEquals(2, skipLines.size(), () -> "one line for the first, one summary: " + once.stderr());
            assertTrue(skipLines.get(0).contains("partition 0 offset 1)"), skipLines.get(0));
            assertTrue(skipLines.get(1).contains("skipped 2 more unreadable event(s)")
                    && skipLines.get(1).contains("partition 0 offset 3)"), skipLines.get(1));
        }
        List<String> lines = Team.lines(team.resolve("logs/usage.jsonl"));
        assertEquals(1, lines.size(), "the request after the bad records is projected");
        assertTrue(lines.getFirst().contains("\"member\":\"ann@one\""), lines.getFirst());
        var metrics = new dev.ccp.projector.metrics.ProjectorMetrics(() -> 0);
        dev.ccp.projector.Projector.fromTopic(TopicSource.parse("kafka://" + kafka.bootstrap() + "/" + topic, null),
                dev.ccp.events.CcpPaths.under(team.resolve("counted")), java.util.Set.of(),
                dev.ccp.projector.Settings.fromEnvironment(), true, false, dev.ccp.projector.Progress.NONE, metrics, () -> false);
        assertTrue(metrics.scrape().contains("ccp_projector_unreadable_events_total 3.0"), metrics.scrape());
    }
}
