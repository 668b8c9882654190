package dev.ccp.policy.price;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the pricing function asks of a price table: the entry that prices a model served by a provider
 * on a day, and the flat plan in force. {@link PriceTable} answers by walking its entries;
 * {@link #remembering} answers the same from what it already looked up.
 */
public interface PriceLookup {

    Optional<PriceEntry> priceOf(String provider, String model, Instant at);

    Optional<PlanFee> planOf(String provider, Instant at);

    /**
     * The table's answers, each looked up once per provider, model and UTC day: both depend on nothing
     * else, and a replay prices millions of requests of a few models on a few days. Not thread-safe;
     * one per table (a new one when the table changes).
     */
    static PriceLookup remembering(PriceTable table) {
        return new PriceLookup() {
            private final Map<Key, Optional<PriceEntry>> prices = new HashMap<>();
            private final Map<Key, Optional<PlanFee>> plans = new HashMap<>();

            @Override
            public Optional<PriceEntry> priceOf(String provider, String model, Instant at) {
                if (provider == null || model == null) {
                    return Optional.empty();
                }
                if (prices.size() > 10_000) {
                    prices.clear();
                }
                return prices.computeIfAbsent(new Key(provider, model, day(at)), k -> table.priceOf(provider, model, at));
            }

            @Override
            public Optional<PlanFee> planOf(String provider, Instant at) {
                if (plans.size() > 10_000) {
                    plans.clear();
                }
                return plans.computeIfAbsent(new Key(provider, null, day(at)), k -> table.planOf(provider, at));
            }

            private static long day(Instant at) {
                return Math.floorDiv(at.getEpochSecond(), 86_400L);
            }
        };
    }

    /** A lookup's arguments as far as they matter: the day, not the second. */
    record Key(String provider, String model, long day) {
    }
}
