package dev.ccp.policy.price;

import java.time.LocalDate;

/**
 * One row of the price table: what {@code provider} charges for models whose name contains {@code match}
 * (case-insensitive, as routes match), from {@code effectiveFrom} (a UTC date) until the next entry of the
 * same provider and match takes over.
 *
 * @param longContext the rates for the whole request when its prompt is above
 *                    {@link TokenUsage#LONG_CONTEXT_THRESHOLD} tokens, or null when the model has one tier
 * @param source      where the figures were read and when (free text, shown by {@code cc usage --cost})
 * @param where       {@code FILE:LINE} of the entry
 */
public record PriceEntry(String provider, String match, LocalDate effectiveFrom, Rates rates, Rates longContext,
                         String source, String where) {
    public boolean matches(String model) {
        return model != null && containsIgnoreCase(model, match);
    }

    /**
     * {@code text.toLowerCase().contains(part.toLowerCase())} without the two copies: a replay prices
     * every finished request against every entry.
     */
    static boolean containsIgnoreCase(String text, String part) {
        int last = text.length() - part.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }

    /** The rates that apply to this request's tokens. */
    public Rates ratesFor(TokenUsage usage) {
        return longContext != null && usage.promptTokens() > TokenUsage.LONG_CONTEXT_THRESHOLD ? longContext : rates;
    }

    PriceEntry withRates(Rates r, Rates lc) {
        return new PriceEntry(provider, match, effectiveFrom, r, lc, source, where);
    }
}
