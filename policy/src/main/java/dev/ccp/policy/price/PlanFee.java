package dev.ccp.policy.price;

import java.time.LocalDate;

/**
 * A flat monthly plan (Z.AI's coding plans): while it is in force, the provider's requests cost 0 per
 * token and the fee counts instead, pro-rated over the period a report covers.
 *
 * @param monthly        the fee per calendar month, in pico-dollars
 * @param effectiveUntil the first UTC day it no longer applies, or null while it runs
 */
public record PlanFee(String provider, String name, long monthly, LocalDate effectiveFrom, LocalDate effectiveUntil,
                      String source, String where) {
    public boolean inForceOn(LocalDate day) {
        return !day.isBefore(effectiveFrom) && (effectiveUntil == null || day.isBefore(effectiveUntil));
    }
}
