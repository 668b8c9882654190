package dev.ccp.ship.testing;

import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.Ids;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A process that writes a proxy's events to a local log as the proxy does: a {@code ProxyStarted}
 * naming its member, then requests (received, routed, attempted, completed) at a steady rate.
 * Arguments: queueDir member requests perSecond; requests 0 means until a file {@code writer.stop} appears
 * beside the queue folder. Prints {@code started} and, at the end, {@code wrote N}.
 */
public final class TrafficWriterMain {
    public static void main(String[] args) {
        Path queue = Path.of(args[0]);
        String member = args[1];
        int requests = Integer.parseInt(args[2]);
        int perSecond = Integer.parseInt(args[3]);
        String instance = Ids.instanceId();
        int i;
        try (EventLog log = EventLog.open(queue)) {
            long now = System.currentTimeMillis() * 1000;
            log.append(new Event.ProxyStarted(Ids.eventId(now), null, now, instance, "test", "127.0.0.1", 0,
                    ProcessHandle.current().pid(), List.of(), member));
            System.out.println("started");
            System.out.flush();
            long start = System.nanoTime();
            Path stop = queue.resolveSibling("writer.stop");
            i = 0;
            for (; requests == 0 ? !java.nio.file.Files.exists(stop) : i < requests; i++) {
                long due = start + (long) i * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long t = System.currentTimeMillis() * 1000;
                String req = Ids.requestId();
                boolean haiku = i % 2 == 0;
                String lane = haiku ? "zai" : "anthropic";
                String model = haiku ? "claude-haiku-4-5" : "claude-sonnet-4-5";
                long in = 10 + i % 97;
                long out = 1 + i % 13;
                log.append(new Event.RequestReceived(Ids.eventId(t), req, t, instance, "POST", "/v1/messages", null,
                        model, false, 100, "x-api-key", "test", null));
                log.append(new Event.RouteDecided(Ids.eventId(t), req, t + 1, instance, haiku ? "model_route" : "default_route",
                        lane, lane, model, haiku ? "glm-4.5-air" : model, haiku ? "x-api-key" : "passthrough", "test"));
                log.append(new Event.UpstreamAttempt(Ids.eventId(t), req, t + 2, instance, 1, lane, "http://fake/" + lane,
                        "h1", 200, 500, "response", null));
                log.append(new Event.ResponseCompleted(Ids.eventId(t), req, t + 3, instance, 200, "nonstream", 600, 500,
                        in, out, 0, 0, "end_turn", "h1", "ok", 200, null));
            }
        }
        System.out.println("wrote " + i);
        System.out.flush();
    }
}
