package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import dev.ccp.readmodel.Checkpoint;
import dev.ccp.readmodel.Tables;
import dev.ccp.readmodel.Writes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code logs/partials/<req_id>.partial}: the text a stream had relayed when it ended abruptly, from
 * {@code StreamPartial} events (several for one request are appended in log order). Each file's length
 * is saved in {@code partial_files} with the checkpoint; the first time this process touches a file it
 * is cut back to that length, so bytes written after the last checkpoint are never doubled.
 */
public final class PartialsProjection implements Projection {
    public static final String NAME = "partials";
    public static final String SUFFIX = ".partial";

    private final Path dir;
    /** Current length of each file this run has touched (what it will be once the queued writes ran). */
    private final Map<String, Long> lengths = new HashMap<>();
    private final Map<String, Long> dirty = new TreeMap<>();
    private ExecutorService writer;
    private Future<?> lastWrite = CompletableFuture.completedFuture(null);
    private volatile IOException writeFailure;
    private boolean noSavedLengths;
    private boolean dirReady;
    private Connection db;

    public PartialsProjection(Path dir) {
        this.dir = dir;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The file name for a request id: characters other than letters, digits, '-' and '_' become '_'. */
    public static String fileName(String reqId) {
        String id = reqId == null || reqId.isEmpty() ? "unknown" : reqId;
        StringBuilder sb = new StringBuilder(id.length() + SUFFIX.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' ? c : '_');
        }
        return sb.append(SUFFIX).toString();
    }

    @Override
    public void open(Connection db, Checkpoint checkpoint) throws IOException, SQLException {
        this.db = db;
        lengths.clear();
        dirty.clear();
        dirReady = false;
        noSavedLengths = !Writes.anyPartialFile(db);
        // File work runs on its own thread, beside the projecting one; flushFiles() waits for it.
        writer = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("ccp-projector-partials").unstarted(r));
    }

    @Override
    public void apply(long index, Event event, List<FinishedRequest> finished, String requestModel) {
        if (!(event instanceof Event.StreamPartial p)) {
            return;
        }
        String name = fileName(p.reqId());
        Long current = lengths.get(name);
        boolean first = current == null;
        long at;
        try {
            at = first ? (noSavedLengths ? 0 : savedLength(name)) : current;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] data = (p.data() == null ? "" : p.data()).getBytes(StandardCharsets.UTF_8);
        lengths.put(name, at + data.length);
        dirty.put(name, at + data.length);
        Path file = dir.resolve(name);
        boolean mkdir = !dirReady;
        dirReady = true;
        lastWrite = writer.submit(() -> {
            try {
                if (mkdir) {
                    Files.createDirectories(dir);
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    if (first && ch.size() > at) {
                        // Bytes a killed run wrote after the checkpoint.
                        ch.truncate(at);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(data);
                    long pos = at;
                    while (bb.hasRemaining()) {
                        pos += ch.write(bb, pos);
                    }
                }
            } catch (IOException e) {
                writeFailure = new IOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void flushFiles() throws IOException {
        try {
            lastWrite.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing partials", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        IOException failure = writeFailure;
        if (failure != null) {
            writeFailure = null;
            throw failure;
        }
    }

    private long savedLength(String name) throws IOException {
        try (PreparedStatement ps = Writes.partialFileBytes(db)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IOException("cannot read partial_files", e);
        }
    }

    @Override
    public void writeRows(Connection db) throws SQLException {
        if (dirty.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = Writes.putPartialFile(db)) {
            for (var e : dirty.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setLong(2, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void afterCommit(boolean last) {
        dirty.clear();
        if (lengths.size() > 10_000) {
            // Committed lengths are in partial_files now; read them from there when touched again.
            lengths.clear();
            noSavedLengths = false;
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.shutdown();
            try {
                writer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void wipe(Connection db) throws IOException, SQLException {
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
            }
        }
        Writes.wipe(db, Tables.PARTIAL_FILES);
    }
}
