package dev.ccp.events;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Why a request went where it went, as {@link Event.RouteDecided#decision()} says it: {@link #wire()} is
 * the word in the log, kept byte for byte ({@link Decisions} holds the same words as constants). The
 * event keeps the word rather than the type, so a log written by a later version, or a usage.jsonl
 * imported from an earlier one, still reads with a word this build does not know.
 */
public enum Decision {
    /** A route of the catalog matched the model. */
    MODEL_ROUTE(Decisions.MODEL_ROUTE),
    /** No route matched: the default provider serves it. */
    DEFAULT_ROUTE(Decisions.DEFAULT_ROUTE),
    /** Offload is paused (kill switch): everything goes to the default provider. */
    PAUSED(Decisions.PAUSED),
    /** The matched route's key variable is unset: served by the default provider instead. */
    MISSING_CREDENTIALS(Decisions.MISSING_CREDENTIALS),
    /** The proxy answered itself (bad input); nothing went upstream. */
    REJECTED(Decisions.REJECTED),
    /** {@code cc model NAME} is set: the lane is chosen as if the model were NAME. */
    MANUAL_OVERRIDE(Decisions.MANUAL_OVERRIDE),
    /** Community mode: the route needs a licensed feature, so the default provider serves it. */
    LICENSE_BLOCK(Decisions.LICENSE_BLOCK),
    /** The provider lacks the endpoint (404 on count_tokens): served by the default provider. */
    FALLBACK_UNSUPPORTED(Decisions.FALLBACK_UNSUPPORTED),
    /** A quota is over its block level: served by the fallback provider (or refused when there is none). */
    QUOTA_BLOCK(Decisions.QUOTA_BLOCK),
    /** The preferred provider answered 429/529/1113 before any byte: retried on the fallback. */
    REROUTED_ON_LIMIT(Decisions.REROUTED_ON_LIMIT),
    /** Z.AI answered 401 before any byte: served by Anthropic with the client's own credentials. */
    FALLBACK_401(Decisions.FALLBACK_401),
    /** A conditional route matched while Anthropic's window was nearly spent (the utilisation is in the reason). */
    WINDOW_OFFLOAD(Decisions.WINDOW_OFFLOAD);

    /** Decisions that explain a Haiku request served by the default (Anthropic) lane. */
    public static final Set<Decision> EXPLAIN_DEFAULT_LANE = EnumSet.of(
            PAUSED, MISSING_CREDENTIALS, LICENSE_BLOCK, FALLBACK_UNSUPPORTED, QUOTA_BLOCK,
            REROUTED_ON_LIMIT, FALLBACK_401, MANUAL_OVERRIDE, REJECTED);

    private final String wire;

    Decision(String wire) {
        this.wire = wire;
    }

    /** The word written to the log. */
    public String wire() {
        return wire;
    }

    /** The decision a word of the log names; empty for a word this build does not know (or null). */
    public static Optional<Decision> fromWire(String word) {
        for (Decision d : values()) {
            if (d.wire.equals(word)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
