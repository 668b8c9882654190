package dev.ccp.proxy.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Tells whether a small file's content changed since the last look. The files watched (catalog,
 * model override, license, quotas) are a few KiB, so reading them on every poll is cheaper and surer than
 * trusting modification times (coarse on some file systems) or a WatchService (which misses files
 * replaced by rename in folders created later).
 */
public final class FileWatch {
    private final Path file;
    private byte[] digest;

    public FileWatch(Path file) {
        this.file = file;
        this.digest = digest(file);
    }

    public Path file() {
        return file;
    }

    /** True once per change (including appearing and disappearing). */
    public boolean changed() {
        byte[] now = digest(file);
        if (Arrays.equals(now, digest)) {
            return false;
        }
        digest = now;
        return true;
    }

    private static byte[] digest(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            return ("unreadable: " + e.getMessage()).getBytes();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
