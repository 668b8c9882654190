package dev.ccp.proxy.resilience;

import java.time.Duration;

/** Waits between attempts; injected so tests wait on nothing. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d);

    void sleep(Duration d) throws InterruptedException;
}
