package dev.ccp.projector.testing;

import dev.ccp.events.EventLog;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A writer process appending synthetic traffic, as the proxy would.
 * Arguments: queueDir requests stepUs restartEvery unreadableEvery eventsPerSecond(0 = unpaced) [tag] [seed].
 * Prints {@code ready}, then {@code done <entries>}.
 */
public final class SyntheticTrafficMain {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long requests = Long.parseLong(args[1]);
        long stepUs = Long.parseLong(args[2]);
        int restartEvery = Integer.parseInt(args[3]);
        int unreadableEvery = Integer.parseInt(args[4]);
        long perSecond = Long.parseLong(args[5]);
        String tag = args.length > 6 ? args[6] : "w";
        long seed = args.length > 7 ? Long.parseLong(args[7]) : 42;
        long[] written = {0};
        long start = System.nanoTime();
        try (EventLog log = EventLog.open(dir)) {
            System.out.println("ready");
            System.out.flush();
            new SyntheticTraffic(seed, stepUs, restartEvery, unreadableEvery, tag).generate(requests, item -> {
                switch (item) {
                    case SyntheticTraffic.Ev e -> log.append(e.event());
                    case SyntheticTraffic.Raw r -> log.appendEncoded(r.json());
                }
                written[0]++;
                if (perSecond > 0) {
                    long due = start + written[0] * 1_000_000_000L / perSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                if (written[0] % 10_000 == 0) {
                    System.out.println("written " + written[0]);
                    System.out.flush();
                }
            });
        }
        System.out.println("done " + written[0]);
        System.out.flush();
    }
}
