package dev.ccp.events;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Identifiers for events, requests and proxy instances. */
public final class Ids {
    private static final HexFormat HEX = HexFormat.of();

    private Ids() {
    }

    /** A new event id: 24 hex characters, time-prefixed so ids sort roughly by creation. */
    public static String eventId(long tsUs) {
        return HEX.toHexDigits(tsUs).substring(4) + HEX.toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
    }

    /** A new request id, {@code req_} and 24 hex characters. */
    public static String requestId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return "req_" + HEX.formatHex(b);
    }

    /** A new proxy instance id. */
    public static String instanceId() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return "px_" + HEX.formatHex(b);
    }
}
