package dev.ccp.projector.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One process at a time applies a given projection: an OS file lock beside the database
 * ({@code ccp.sqlite3.<projection>.lock}), released by the OS when the process dies, even by SIGKILL.
 */
public final class ProjectionLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ProjectionLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static Path file(Path dbPath, String projection) {
        return dbPath.resolveSibling(dbPath.getFileName() + "." + projection + ".lock");
    }

    /** The lock, or empty when another process holds it. */
    public static Optional<ProjectionLock> tryAcquire(Path dbPath, String projection) throws IOException {
        Path file = file(dbPath, projection);
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // Held by this very process (another run in the same JVM).
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            return Optional.empty();
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return Optional.of(new ProjectionLock(ch, lock));
    }

    /** The pid written by the holder, for messages; "?" when unknown. */
    public static String holder(Path dbPath, String projection) {
        try {
            return Files.readString(file(dbPath, projection)).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // The OS releases it with the process anyway.
        }
    }
}
