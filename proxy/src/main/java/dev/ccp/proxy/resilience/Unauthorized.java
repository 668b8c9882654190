package dev.ccp.proxy.resilience;

import java.time.Instant;

/**
 * The last 401 a keyed provider (Z.AI) answered, for /readyz: which provider, when, and the error
 * type its body named (never the body, never a key).
 */
public record Unauthorized(String provider, Instant at, String errorType, long count) {
}
