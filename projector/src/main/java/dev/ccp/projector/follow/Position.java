package dev.ccp.projector.follow;

import dev.ccp.projector.projection.Projection;

/**
 * How far one projection has come in a pass: the last index it holds, its event and unreadable counts
 * for its checkpoint, and what it applied since the last commit (for the metrics).
 */
final class Position {
    final Projection projection;
    long at;
    long events;
    long unreadable;
    long sinceCommit;

    Position(Projection projection) {
        this.projection = projection;
    }
}
