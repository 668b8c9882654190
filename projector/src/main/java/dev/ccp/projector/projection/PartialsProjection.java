package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import dev.ccp.projector.checkpoint.Checkpoint;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Set<String> touched = new HashSet<>();
    private final Map<String, Long> dirty = new TreeMap<>();
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
    public void open(Connection db, Checkpoint checkpoint) throws IOException {
        this.db = db;
        touched.clear();
        dirty.clear();
    }

    @Override
    public void apply(long index, Event event, List<FinishedRequest> finished, RequestJoin join) {
        if (!(event instanceof Event.StreamPartial p)) {
            return;
        }
        String name = fileName(p.reqId());
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long length;
                if (touched.add(name)) {
                    long saved = savedLength(name);
                    if (ch.size() > saved) {
                        ch.truncate(saved);
                    }
                    length = Math.min(saved, ch.size());
                } else {
                    length = dirty.getOrDefault(name, ch.size());
                }
                ByteBuffer bb = ByteBuffer.wrap((p.data() == null ? "" : p.data()).getBytes(StandardCharsets.UTF_8));
                while (bb.hasRemaining()) {
                    length += ch.write(bb, length);
                }
                dirty.put(name, length);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }

    private long savedLength(String name) throws IOException {
        try (PreparedStatement ps = db.prepareStatement("SELECT bytes FROM partial_files WHERE req_id = ?")) {
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
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO partial_files (req_id, bytes) VALUES (?, ?)")) {
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
        try (var s = db.createStatement()) {
            s.executeUpdate("DELETE FROM partial_files");
        }
    }
}
