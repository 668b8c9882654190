package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import dev.ccp.readmodel.Checkpoint;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One projection: a function of (its state, the next event). The tail loop feeds it every event
 * after its checkpoint, together with the requests the shared {@link RequestJoin} finished on that
 * event, then saves its output and its checkpoint in one step:
 * {@link #flushFiles()} (file bytes reach the OS), then, in one SQLite transaction,
 * {@link #writeRows} and the checkpoint row, then {@link #afterCommit}.
 */
public interface Projection extends AutoCloseable {

    /** The checkpoint name, also the {@code --only} name. */
    String name();

    /** Restores the state the checkpoint describes; cuts files back to the checkpointed length. */
    void open(Connection db, Checkpoint checkpoint) throws IOException, SQLException;

    /**
     * @param finished     the requests the shared {@link RequestJoin} finished on this event, priced
     * @param requestModel the model the client asked for in the request this event belongs to, while the
     *                     request is open after the event (null otherwise): what the join knew at this event
     */
    void apply(long index, Event event, List<FinishedRequest> finished, String requestModel);

    /** An unreadable document at {@code index}, skipped. */
    default void unreadable(long index) {
    }

    /** Writes buffered file output so that it is in the file before the checkpoint commits. */
    default void flushFiles() throws IOException {
    }

    /** Writes this batch's rows inside the checkpoint's transaction. */
    default void writeRows(Connection db) throws SQLException {
    }

    /**
     * Publishes what is paced (rollups), inside the checkpoint's transaction; {@code index} is the
     * checkpoint being written, {@code clockUs} the newest event time.
     */
    default void publish(Connection db, long index, long clockUs) throws SQLException {
    }

    /** For file projections: the file length that belongs to the checkpoint; null otherwise. */
    default Long fileLength() {
        return null;
    }

    /** State saved with the checkpoint (JSON), or null. */
    default String state() {
        return null;
    }

    /** After the commit: derived files (METRICS.json). {@code last} is the final commit of --once/--rebuild. */
    default void afterCommit(boolean last) throws IOException {
    }

    /** Called while the log is quiet and everything is committed: finish paced derived output. */
    default void idle() throws IOException {
    }

    /** Removes everything this projection produced (for --rebuild), checkpoint excluded. */
    void wipe(Connection db) throws IOException, SQLException;

    @Override
    default void close() {
    }
}
