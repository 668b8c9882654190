package dev.ccp.policy.price;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The price table in force, reloaded when one of its files changes. A change that cannot be used is
 * refused: the last good table stays in force and {@link #refusal()} says why ({@code FILE:LINE: why})
 * until a good edit replaces it. Files are compared by content, not modification time, and looked at
 * no more often than {@code every} by the injected clock, so a caller may poll on every batch.
 */
public final class LivePrices {
    private final PriceFiles files;
    private final Collection<String> providers;
    private final InstantSource clock;
    private final Duration every;
    private final Consumer<String> log;
    private volatile PriceTable table;
    private volatile String refusal;
    private List<byte[]> digests;
    private Instant nextLook;

    private LivePrices(PriceFiles files, Collection<String> providers, InstantSource clock, Duration every,
                       Consumer<String> log, PriceTable table) {
        this.files = files;
        this.providers = providers;
        this.clock = clock;
        this.every = every;
        this.log = log;
        this.table = table;
        this.digests = digests();
        this.nextLook = clock.instant().plus(every);
    }

    /**
     * Loads the table.
     *
     * @param log where reloads and refusals are told (one line each)
     * @throws PriceException when the table cannot be used at start (there is no good one to keep)
     */
    public static LivePrices load(PriceFiles files, Collection<String> providers, InstantSource clock, Duration every,
                                  Consumer<String> log) {
        return new LivePrices(files, providers, clock, every, log, PriceTables.load(files, providers));
    }

    /**
     * Like {@link #load}, but a table that cannot be used at start leaves an empty one in force (every
     * request unpriced) with {@link #refusal()} saying why, for processes whose main job is not pricing.
     */
    public static LivePrices loadOrEmpty(PriceFiles files, Collection<String> providers, InstantSource clock,
                                         Duration every, Consumer<String> log) {
        try {
            return load(files, providers, clock, every, log);
        } catch (PriceException e) {
            log.accept("[ccp] the price table cannot be used, costs are unpriced until it is fixed: " + e.getMessage());
            LivePrices live = new LivePrices(files, providers, clock, every, log, PriceTable.empty());
            live.refusal = e.getMessage();
            return live;
        }
    }

    /** A fixed table that never reloads (tests, tools that price once). */
    public static LivePrices fixed(PriceTable table) {
        return new LivePrices(new PriceFiles(List.of(), null), null, InstantSource.fixed(Instant.EPOCH),
                Duration.ofDays(365_000), s -> { }, table);
    }

    public PriceTable table() {
        return table;
    }

    /** Why the last edit was refused, or null when the table in force is the files' latest content. */
    public String refusal() {
        return refusal;
    }

    /**
     * Reloads when a file changed and the look is due.
     *
     * @return true when a new table came into force
     */
    public synchronized boolean poll() {
        Instant now = clock.instant();
        if (now.isBefore(nextLook)) {
            return false;
        }
        nextLook = now.plus(every);
        List<byte[]> now2 = digests();
        if (same(now2, digests)) {
            return false;
        }
        digests = now2;
        try {
            PriceTable next = PriceTables.load(files, providers);
            table = next;
            refusal = null;
            log.accept("[ccp] prices reloaded (" + next.entries().size() + " entries, " + next.plans().size()
                    + " plans) from " + String.join(" + ", next.layers()));
            return true;
        } catch (PriceException e) {
            refusal = e.getMessage();
            log.accept("[ccp] price table edit refused, the table loaded before stays in force: " + e.getMessage());
            return false;
        }
    }

    private List<byte[]> digests() {
        List<byte[]> out = new ArrayList<>();
        for (Path f : files.layers()) {
            out.add(digest(f));
        }
        return out;
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
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
