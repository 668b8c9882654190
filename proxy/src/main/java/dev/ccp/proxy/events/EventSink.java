package dev.ccp.proxy.events;

import dev.ccp.events.Event;

/** Where the request path hands its events. Never blocks: an event that cannot be queued is counted and dropped. */
@FunctionalInterface
public interface EventSink {
    void offer(Event event);
}
