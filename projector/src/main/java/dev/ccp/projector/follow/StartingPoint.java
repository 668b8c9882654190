package dev.ccp.projector.follow;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.EventLog;
import dev.ccp.projector.Projector;
import dev.ccp.projector.ProjectorException;
import dev.ccp.projector.Settings;
import dev.ccp.projector.TopicSource;
import dev.ccp.projector.projection.Projection;
import dev.ccp.projector.projection.RequestJoin;
import dev.ccp.readmodel.Checkpoint;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.Database;
import dev.ccp.readmodel.SourcePositionStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a pass starts: the projection database opened (wiped first for a rebuild), every projection
 * opened at its checkpoint, and the source read from the slowest one — the request join it saved, and
 * the local log after its index or the team topic after its saved offsets. A database built from one
 * source is never continued from the other.
 *
 * @param db             the projection database, owned by the pass from here on
 * @param log            the local log, null when reading a team topic
 * @param topicStart     the team topic's next offset per partition (empty for the local log or a new projection)
 * @param startAfter     the slowest checkpoint's index
 * @param checkpointName the slowest projection's name, for messages
 */
record StartingPoint(Connection db, EventLog log, Map<Integer, Long> topicStart, RequestJoin join, Long lastTsUs,
                     long startAfter, String checkpointName) {

    /** Opens the database and the projections; on failure closes what it opened. */
    static StartingPoint open(CcpPaths paths, Settings settings, TopicSource topic, List<Position> positions, boolean wipe) {
        Connection db = null;
        try {
            List<Projection> projections = positions.stream().map(p -> p.projection).toList();
            if (wipe && projections.stream().map(Projection::name).toList().containsAll(Projector.PROJECTIONS)) {
                // Rebuilding everything: a fresh file is much faster than deleting millions of rows.
                // Readers holding the old file open keep reading it until they reopen.
                for (String suffix : new String[] {"", "-wal", "-shm"}) {
                    Files.deleteIfExists(Path.of(paths.dbPath() + suffix));
                }
            }
            db = Database.open(paths.dbPath());
            if (wipe) {
                for (Projection p : projections) {
                    p.wipe(db);
                    CheckpointStore.delete(db, p.name());
                    SourcePositionStore.delete(db, p.name());
                }
                db.commit();
            }
            List<Checkpoint> cps = checkpoints(db, positions);
            Checkpoint slowest = cps.getFirst();
            for (Checkpoint cp : cps) {
                if (cp.index() < slowest.index()) {
                    slowest = cp;
                }
            }
            RequestJoin join = RequestJoin.restore(slowest.joinState(), settings.lostAfter());
            if (topic != null) {
                Map<Integer, Long> start = topicStart(paths, topic, db, cps, slowest);
                return new StartingPoint(db, null, start, join, slowest.lastTsUs(), slowest.index(), slowest.name());
            }
            for (Projection p : projections) {
                if (SourcePositionStore.load(db, p.name()).isPresent()) {
                    throw new ProjectorException("projection " + p.name() + " in " + paths.dbPath()
                            + " is built from a team topic; give its --source, or run --rebuild to build it from the local log");
                }
            }
            EventLog log = EventLog.open(paths.queueDir());
            if (slowest.index() > log.lastIndex()) {
                log.close();
                // The log lost entries the projections already hold (the queue was deleted or replaced).
                throw new ProjectorException("the checkpoint of " + slowest.name() + " (index 0x"
                        + Long.toHexString(slowest.index()) + ") is not in the log at " + paths.queueDir()
                        + "; run bin/ccp-projector --rebuild");
            }
            return new StartingPoint(db, log, Map.of(), join, slowest.lastTsUs(), slowest.index(), slowest.name());
        } catch (SQLException | IOException e) {
            close(db);
            throw new StoreFailure(e.getMessage(), e);
        } catch (RuntimeException e) {
            close(db);
            throw e;
        }
    }

    /** Each projection's checkpoint (a new one records where its files start), and the projections opened there. */
    private static List<Checkpoint> checkpoints(Connection db, List<Position> positions) throws SQLException, IOException {
        boolean missing = false;
        List<Checkpoint> cps = new ArrayList<>();
        for (Position pos : positions) {
            Optional<Checkpoint> saved = CheckpointStore.load(db, pos.projection.name());
            missing |= saved.isEmpty();
            cps.add(saved.orElse(Checkpoint.initial(pos.projection.name())));
        }
        for (int i = 0; i < positions.size(); i++) {
            Checkpoint cp = cps.get(i);
            Position pos = positions.get(i);
            pos.projection.open(db, cp);
            pos.at = cp.index();
            pos.events = cp.events();
            pos.unreadable = cp.unreadable();
        }
        if (missing) {
            // Record where file projections start, so a kill before the first batch still cuts back.
            for (int i = 0; i < positions.size(); i++) {
                Checkpoint cp = cps.get(i);
                if (CheckpointStore.load(db, cp.name()).isEmpty()) {
                    Projection p = positions.get(i).projection;
                    CheckpointStore.save(db, new Checkpoint(cp.name(), cp.index(), 0, 0, null, p.fileLength(), "", p.state()));
                }
            }
            db.commit();
        }
        return cps;
    }

    /**
     * Where the topic is read from: the saved offsets of the slowest projection. Projections of one
     * team database move together (one run, one transaction); if they stand at different places
     * (some were run alone with --only), the slowest one's offsets only fit the others if they are
     * no further along, which is checked.
     */
    private static Map<Integer, Long> topicStart(CcpPaths paths, TopicSource topic, Connection db, List<Checkpoint> cps,
                                                 Checkpoint slowest) throws SQLException {
        Map<Integer, Long> start = null;
        for (Checkpoint cp : cps) {
            var saved = SourcePositionStore.load(db, cp.name());
            if (cp.index() >= 0 && saved.isEmpty()) {
                throw new ProjectorException("projection " + cp.name() + " in " + paths.dbPath()
                        + " is built from the local log, not from " + topic.uri()
                        + "; use another CCP_DB_PATH for the team projections, or run --rebuild");
            }
            if (saved.isPresent() && !saved.get().source().equals(topic.topic())) {
                throw new ProjectorException("projection " + cp.name() + " in " + paths.dbPath() + " is built from topic "
                        + saved.get().source() + ", not " + topic.topic() + "; run --rebuild to build it from this one");
            }
            if (cp.index() != slowest.index()) {
                throw new ProjectorException("the projections in " + paths.dbPath() + " stand at different places of "
                        + topic.topic() + " (" + cp.name() + " at " + cp.index() + ", " + slowest.name() + " at "
                        + slowest.index() + "); run them together, or --rebuild");
            }
            if (start == null) {
                start = saved.map(sp -> TopicSource.parsePosition(sp.position())).orElse(Map.of());
            }
        }
        return start == null ? Map.of() : start;
    }

    private static void close(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // The failure being reported matters more.
            }
        }
    }
}
