package dev.ccp.proxy.mitm;

import dev.ccp.policy.ca.LocalCa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.InstantSource;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The CA the listener signs with: made or read on first use, read again when its certificate file
 * changes ({@code cc ca --rotate} while the proxy runs: the next connections get leaves of the new CA),
 * and made anew when the intercepted hosts grew beyond its name constraints.
 */
final class CaHolder {
    private static final System.Logger LOG = System.getLogger(CaHolder.class.getName());

    private final Path dir;
    private final InstantSource clock;
    private final Supplier<Set<String>> hosts;
    private LocalCa ca;
    private Object seenVersion;

    CaHolder(Path dir, InstantSource clock, Supplier<Set<String>> hosts) {
        this.dir = dir;
        this.clock = clock;
        this.hosts = hosts;
    }

    Path certificateFile() {
        return dir.resolve(LocalCa.CERT_FILE);
    }

    /** The current CA; one stat of its file per call to notice a rotation. */
    synchronized LocalCa current() {
        Object version = version();
        if (ca == null || version == null || !version.equals(seenVersion)) {
            LocalCa.Loaded loaded = LocalCa.loadOrCreate(dir, hosts.get(), clock);
            switch (loaded.how()) {
                case CREATED -> System.err.println("[ccp] made the interception CA " + loaded.ca().certificateFile()
                        + " (SHA-256 " + loaded.ca().fingerprint() + ")");
                case REPLACED -> System.err.println("[ccp] the interception CA did not permit " + loaded.uncovered()
                        + ": made a new one at " + loaded.ca().certificateFile() + " (SHA-256 "
                        + loaded.ca().fingerprint() + "); clients started before trust the old one");
                case LOADED -> {
                    if (ca != null) {
                        LOG.log(System.Logger.Level.INFO, "interception CA changed on disk, now " + loaded.ca().fingerprint());
                    }
                }
            }
            ca = loaded.ca();
            seenVersion = version();
        }
        return ca;
    }

    /** Whether the current CA permits the host, making it wider first if the host is new. */
    boolean permits(String host) {
        LocalCa c = current();
        if (c.covers(host)) {
            return true;
        }
        synchronized (this) {
            seenVersion = null;
        }
        return current().covers(host);
    }

    private Object version() {
        try {
            BasicFileAttributes a = Files.readAttributes(certificateFile(), BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
