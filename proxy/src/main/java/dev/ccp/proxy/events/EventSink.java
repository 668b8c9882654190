package dev.ccp.proxy.events;

import dev.ccp.events.Event;

/** Where the request path hands its events. Never blocks: an event that cannot be queued is counted and dropped. */
@FunctionalInterface
public interface EventSink {
    void offer(Event event);

    /**
     * Offers the event and returns once it, and every event offered before it, is in the log, or
     * once the sink's bound on that wait has passed (the log is slow or stuck). The request path calls
     * it for a request's last event before the client can see the end of the answer, so that a proxy
     * killed a moment later has not lost what the client already saw.
     *
     * @return whether the event was appended within the bound
     */
    default boolean offerAndWait(Event event) {
        offer(event);
        return true;
    }
}
