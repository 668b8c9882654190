package dev.ccp.projector.follow;

import dev.ccp.events.LogEntry;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.projection.FinishedRequest;
import dev.ccp.projector.projection.RequestJoin;
import dev.ccp.projector.projection.RequestPricer;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the shared {@link RequestJoin} and the pricing on their own thread, between the reader and the
 * projections, so a replay spreads over the cores: the reader decodes, this stage joins and prices,
 * the tail loop's thread projects and commits. Each chunk it hands on carries, for every entry, the
 * requests it finished (priced) and the model of its open request, and at its end the join's state
 * ({@link RequestJoin.Mark}) and the source position, which the batch that ends with it checkpoints.
 * The join is the one of the pass, owned by this thread once started.
 */
final class JoinStage implements AutoCloseable {

    /** One entry with what the join said of it. */
    record Step(LogEntry entry, List<FinishedRequest> finished, String requestModel) {
    }

    /**
     * A run of steps, or none with {@code caughtUp} (the source's end for now); {@code mark} is the
     * join's state after the last step, {@code position} the source's position after it (null for the
     * local log).
     */
    record Chunk(List<Step> steps, boolean caughtUp, RequestJoin.Mark mark, String position) {
    }

    private final EntryReader reader;
    private final RequestJoin join;
    private final RequestPricer pricer;
    private final ProjectorMetrics metrics;
    private final Handoff<Chunk> handoff = new Handoff<>(8);
    private final Thread thread;

    JoinStage(EntryReader reader, RequestJoin join, RequestPricer pricer, ProjectorMetrics metrics) {
        this.reader = reader;
        this.join = join;
        this.pricer = pricer;
        this.metrics = metrics;
        this.thread = Thread.ofPlatform().daemon().name("ccp-projector-join").start(this::run);
    }

    private void run() {
        try {
            while (!handoff.isClosed()) {
                List<LogEntry> entries = reader.poll(100);
                if (entries == null) {
                    continue;
                }
                if (entries == LogReader.CAUGHT_UP) {
                    handoff.put(new Chunk(List.of(), true, join.mark(), reader.positionAfterPolled()));
                    continue;
                }
                List<Step> steps = new ArrayList<>(entries.size());
                for (LogEntry entry : entries) {
                    steps.add(step(entry));
                }
                handoff.put(new Chunk(steps, false, join.mark(), reader.positionAfterPolled()));
            }
        } catch (RuntimeException e) {
            handoff.fail(e, new Chunk(List.of(), true, null, null));
        }
    }

    private Step step(LogEntry entry) {
        if (!(entry instanceof LogEntry.Read r)) {
            return new Step(entry, List.of(), null);
        }
        if (r.member() != null) {
            join.shippedBy(r.event().instance(), r.member());
        }
        List<FinishedRequest> finished = pricer.price(join.apply(r.index(), r.event()));
        for (FinishedRequest f : finished) {
            metrics.priced(f.lane(), f.model(), f.cost(), f.saved());
        }
        String reqId = r.event().reqId();
        return new Step(entry, finished, reqId == null ? null : join.modelOf(reqId));
    }

    /** The next chunk, or null when none came within the timeout; a failure of the reader or the join is thrown here. */
    Chunk poll(long millis) {
        Chunk c = handoff.poll(millis);
        if (c != null && c.mark() == null) {
            throw handoff.failure();
        }
        return c;
    }

    /** Entries in the source not yet read (a team topic's lag; 0 for the local log, which the loop asks itself). */
    long lag() {
        return reader.lag();
    }

    @Override
    public void close() {
        handoff.closeAndJoin(thread);
        reader.close();
    }
}
