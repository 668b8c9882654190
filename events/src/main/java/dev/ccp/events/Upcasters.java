package dev.ccp.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Brings an event written by an older schema version up to {@link EventCodec#CURRENT_VERSION}.
 *
 * <p>When a change cannot be made compatibly (a field renamed, its meaning or unit changed), bump
 * {@code CURRENT_VERSION} and add a step here that rewrites version N into N+1; steps run in order,
 * so an event of any older version is read as the current one. Version 1 is the first, so there are
 * no steps yet. See docs/EVENTS.md.
 */
final class Upcasters {
    private Upcasters() {
    }

    static ObjectNode upcast(ObjectNode event, int fromVersion) {
        ObjectNode current = event;
        for (int v = fromVersion; v < EventCodec.CURRENT_VERSION; v++) {
            current = step(current, v);
        }
        current.put("v", EventCodec.CURRENT_VERSION);
        return current;
    }

    private static ObjectNode step(ObjectNode event, int fromVersion) {
        // No schema change has needed an upcast yet; version 2 adds its step here.
        throw new IllegalStateException("no upcaster from version " + fromVersion);
    }
}
