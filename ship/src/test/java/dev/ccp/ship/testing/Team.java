package dev.ccp.ship.testing;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.projector.Projector;
import dev.ccp.projector.Settings;
import dev.ccp.projector.Summary;
import dev.ccp.projector.TopicSource;
import dev.ccp.projector.metrics.ProjectorMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the team tests share: a member's folders and processes, and the projections to compare. */
public final class Team {
    private Team() {
    }

    /** The environment of a process working on {@code root}'s folders (as CCP_LOG_DIR etc. set them). */
    public static Map<String, String> env(Path root, String member) {
        Map<String, String> env = new HashMap<>();
        env.put("CCP_HOME", root.toString());
        env.put("CCP_LOG_DIR", root.resolve("logs").toString());
        env.put("CCP_RESULTS_DIR", root.resolve("results").toString());
        env.put("CCP_MEMBER", member);
        env.put("CCP_SHIP_PORT", "0");
        env.put("CCP_PROJECTOR_METRICS_PORT", "0");
        return env;
    }

    public static ChildJvm writer(Path root, String member, int requests, int perSecond) {
        return ChildJvm.start(TrafficWriterMain.class, env(root, member), CcpPaths.under(root).queueDir().toString(), member,
                Integer.toString(requests), Integer.toString(perSecond));
    }

    public static ChildJvm shipper(Path root, String member, String bootstrap, String topic, String... more) {
        List<String> args = new ArrayList<>(List.of("--bootstrap", bootstrap, "--topic", topic, "--port", "0"));
        args.addAll(List.of(more));
        return ChildJvm.start(dev.ccp.ship.Main.class, env(root, member), args.toArray(String[]::new));
    }

    /** The local projections of a member's log, brought up to date in this JVM. */
    public static List<String> localUsage(Path root) {
        CcpPaths paths = CcpPaths.under(root);
        Projector.catchUp(paths, Set.of("usage-jsonl"), Settings.fromEnvironment(), dev.ccp.projector.Progress.NONE);
        return lines(paths.usageJsonl());
    }

    /** The team projections of {@code topic}, brought up to date in this JVM (as --once does). */
    public static Summary teamOnce(Path teamRoot, String bootstrap, String topic, boolean rebuild) {
        CcpPaths paths = CcpPaths.under(teamRoot);
        TopicSource source = TopicSource.parse("kafka://" + bootstrap + "/" + topic, null);
        return Projector.fromTopic(source, paths, Set.of(), Settings.fromEnvironment(), rebuild, false,
                dev.ccp.projector.Progress.NONE, new ProjectorMetrics(() -> 0), () -> false);
    }

    public static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each line's request id, counted: every value must be 1 for exactly once. */
    public static Map<String, Integer> countByRequest(List<String> usageLines) {
        Map<String, Integer> n = new TreeMap<>();
        for (String l : usageLines) {
            int i = l.indexOf("\"req_id\":\"") + 10;
            n.merge(l.substring(i, l.indexOf('"', i)), 1, Integer::sum);
        }
        return n;
    }
}
