package dev.ccp.events;

import java.time.Instant;
import java.time.InstantSource;

/** Time as events hold it: microseconds since the epoch, from an injected {@link InstantSource}. */
public final class Clocks {
    private Clocks() {
    }

    public static long micros(InstantSource clock) {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }

    public static Instant instant(long tsUs) {
        return Instant.ofEpochSecond(Math.floorDiv(tsUs, 1_000_000L), Math.floorMod(tsUs, 1_000_000L) * 1_000L);
    }
}
