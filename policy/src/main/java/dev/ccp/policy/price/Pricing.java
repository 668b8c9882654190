package dev.ccp.policy.price;

import java.time.Instant;
import java.util.Optional;

/**
 * The pricing function: what one finished request cost, from the table, the provider that served it,
 * the model, its tokens and its time. A function of its arguments only, so replaying the log with the
 * same table gives the same figures, and with an edited table reprices all history.
 */
public final class Pricing {
    private Pricing() {
    }

    /**
     * What the serving provider charges, in pico-dollars: 0 while a flat plan of that provider is in
     * force, 0 for a request that used no tokens, null when no entry prices the model at that time.
     */
    public static Long cost(PriceLookup table, String provider, String model, TokenUsage usage, Instant at) {
        if (provider != null && table.planOf(provider, at).isPresent()) {
            return 0L;
        }
        return perToken(table, provider, model, usage, at);
    }

    /**
     * What Anthropic would have charged at its list prices for the model the client asked for (plans
     * aside), in pico-dollars; null when the table has no Anthropic price for that model.
     */
    public static Long listCost(PriceLookup table, String requestedModel, TokenUsage usage, Instant at) {
        return perToken(table, PriceTable.LIST_PROVIDER, requestedModel, usage, at);
    }

    private static Long perToken(PriceLookup table, String provider, String model, TokenUsage usage, Instant at) {
        if (usage.isEmpty()) {
            return 0L;
        }
        Optional<PriceEntry> e = table.priceOf(provider, model, at);
        return e.map(entry -> entry.ratesFor(usage).cost(usage)).orElse(null);
    }

    /**
     * The cost of one request and what it would have cost at list prices.
     *
     * @param cost      null when unpriced
     * @param listCost  null when the requested model has no list price
     * @param offloaded true when a provider other than {@link PriceTable#LIST_PROVIDER} served it
     */
    public record RequestCost(Long cost, Long listCost, boolean offloaded) {
        /** {@code list − cost} for an offloaded request with both figures; 0 otherwise. */
        public long saved() {
            return offloaded && cost != null && listCost != null ? listCost - cost : 0;
        }
    }

    /** Both figures of one request. */
    public static RequestCost of(PriceLookup table, String provider, String servedModel, String requestedModel,
                                 TokenUsage usage, Instant at) {
        boolean offloaded = provider != null && !provider.equals(PriceTable.LIST_PROVIDER);
        return new RequestCost(cost(table, provider, servedModel, usage, at),
                listCost(table, requestedModel, usage, at), offloaded);
    }
}
