package dev.ccp.events;

import dev.ccp.events.testing.ChildJvm;
import dev.ccp.events.testing.LockHolderMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A writer killed while holding the write lock must not make the next writer wait for Chronicle's lock timeout. */
class EventLogLockRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aWriterOpenedAfterAKilledLockHolderAppendsAtOnce() throws Exception {
        Path queue = dir.resolve("queue");
        try (EventLog log = EventLog.open(queue)) {
            log.append(new Event.ProxyStopped("before", null, 1, "px", "before"));
        }
        try (ChildJvm holder = ChildJvm.start(LockHolderMain.class, Map.of(), queue.toString())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> holder.stdout().contains("locked"));
            holder.kill();
        }
        try (EventLog log = EventLog.openForWriting(queue)) {
            long t0 = System.nanoTime();
            CompletableFuture<Long> appended = CompletableFuture.supplyAsync(
                    () -> log.append(new Event.ProxyStopped("after", null, 2, "px", "after")));
            // Chronicle's own recovery waits out its lock timeout (about 15 s): recovered at open it takes no wait.
            await().atMost(Duration.ofSeconds(3)).until(appended::isDone);
            appended.get();
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L);
        }
        List<String> ids = new ArrayList<>();
        try (EventLog log = EventLog.open(queue); EventTailer tailer = log.fromStart()) {
            for (LogEntry e = tailer.next(); e != null; e = tailer.next()) {
                ids.add(assertInstanceOf(LogEntry.Read.class, e).event().id());
            }
        }
        assertEquals(List.of("before", "after"), ids);
    }
}
