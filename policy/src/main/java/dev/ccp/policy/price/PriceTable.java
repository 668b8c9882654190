package dev.ccp.policy.price;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The price table in force: entries in match order (the first entry group whose provider is the one
 * asked and whose match is in the model decides; within it, the entry with the latest
 * {@code effective_from} on or before the request's UTC day), and the flat plans.
 *
 * @param layers the files it was merged from, lowest first
 */
public record PriceTable(List<PriceEntry> entries, List<PlanFee> plans, List<String> layers) implements PriceLookup {
    /** The provider whose list prices {@code list_cost_usd} and savings are measured against. */
    public static final String LIST_PROVIDER = "anthropic";
    private static final long SECONDS_PER_DAY = 86_400;

    public PriceTable {
        entries = List.copyOf(entries);
        plans = List.copyOf(plans);
        layers = List.copyOf(layers);
    }

    public static PriceTable empty() {
        return new PriceTable(List.of(), List.of(), List.of());
    }

    /**
     * The entry that prices {@code model} served by {@code provider} at {@code at}; empty when no entry
     * matches, or when the matching entries all start later (a price is never applied before its date).
     */
    @Override
    public Optional<PriceEntry> priceOf(String provider, String model, Instant at) {
        if (provider == null || model == null) {
            return Optional.empty();
        }
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        String group = null;
        PriceEntry best = null;
        for (PriceEntry e : entries) {
            if (group == null) {
                if (e.provider().equals(provider) && e.matches(model)) {
                    group = e.match();
                } else {
                    continue;
                }
            }
            if (e.provider().equals(provider) && e.match().equalsIgnoreCase(group)
                    && !e.effectiveFrom().isAfter(day)
                    && (best == null || e.effectiveFrom().isAfter(best.effectiveFrom()))) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The flat plan of {@code provider} in force at {@code at}, if any. */
    @Override
    public Optional<PlanFee> planOf(String provider, Instant at) {
        return planOn(provider, LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    private Optional<PlanFee> planOn(String provider, LocalDate day) {
        PlanFee best = null;
        for (PlanFee p : plans) {
            if (p.provider().equals(provider) && !p.effectiveFrom().isAfter(day)
                    && (best == null || p.effectiveFrom().isAfter(best.effectiveFrom()))) {
                best = p;
            }
        }
        return best != null && best.inForceOn(day) ? Optional.of(best) : Optional.empty();
    }

    /**
     * The plan fees that fall in {@code [from, to)}, in pico-dollars: each UTC day a plan is in force
     * costs its monthly fee divided by that month's days, a part of a day in proportion to its seconds;
     * the sum is rounded once, half-even, to the pico-dollar. A whole calendar month costs exactly the fee.
     *
     * @param provider one provider, or null for every plan
     */
    public long planFees(String provider, Instant from, Instant to) {
        if (plans.isEmpty() || !from.isBefore(to)) {
            return 0;
        }
        // Sum of fee × seconds / (days in month × 86400), kept as one fraction per month length so it is exact.
        BigInteger[] secondsTimesFee = new BigInteger[32];
        long start = from.getEpochSecond();
        long end = to.getEpochSecond();
        long dayStart = Math.floorDiv(start, SECONDS_PER_DAY) * SECONDS_PER_DAY;
        for (long d = dayStart; d < end; d += SECONDS_PER_DAY) {
            LocalDate day = LocalDate.ofEpochDay(d / SECONDS_PER_DAY);
            long seconds = Math.min(end, d + SECONDS_PER_DAY) - Math.max(start, d);
            for (PlanFee p : plans) {
                if (provider != null && !p.provider().equals(provider)) {
                    continue;
                }
                Optional<PlanFee> inForce = planOn(p.provider(), day);
                if (inForce.isEmpty() || inForce.get() != p) {
                    continue;
                }
                int len = YearMonth.from(day).lengthOfMonth();
                BigInteger add = BigInteger.valueOf(p.monthly()).multiply(BigInteger.valueOf(seconds));
                secondsTimesFee[len] = secondsTimesFee[len] == null ? add : secondsTimesFee[len].add(add);
            }
        }
        BigDecimal total = BigDecimal.ZERO;
        for (int len = 28; len <= 31; len++) {
            if (secondsTimesFee[len] != null) {
                total = total.add(new BigDecimal(secondsTimesFee[len])
                        .divide(BigDecimal.valueOf(len * SECONDS_PER_DAY), 30, RoundingMode.HALF_EVEN));
            }
        }
        return total.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** The providers that have a flat plan at some time. */
    public List<String> planProviders() {
        List<String> out = new ArrayList<>();
        for (PlanFee p : plans) {
            if (!out.contains(p.provider())) {
                out.add(p.provider());
            }
        }
        return out;
    }

    /** This table with every per-token rate of {@code provider} multiplied by {@code factor}. */
    public PriceTable withRatesTimes(String provider, long factor) {
        List<PriceEntry> scaled = new ArrayList<>();
        for (PriceEntry e : entries) {
            scaled.add(e.provider().equals(provider)
                    ? e.withRates(e.rates().times(factor), e.longContext() == null ? null : e.longContext().times(factor))
                    : e);
        }
        return new PriceTable(scaled, plans, layers);
    }
}
