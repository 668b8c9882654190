package dev.ccp.projector.projection;

import dev.ccp.policy.price.LivePrices;
import dev.ccp.policy.price.PriceLookup;
import dev.ccp.policy.price.PriceTable;
import dev.ccp.policy.price.Pricing;
import dev.ccp.policy.price.TokenUsage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prices each finished request once, for every projection: what the serving provider charged for the
 * model it served, and what Anthropic's list price was for the model the client asked for, at the
 * request's own event time. The table is looked at again ({@link LivePrices#poll()}) between batches,
 * so an edit prices what finishes after it; {@code --rebuild} reprices everything with the table of the day.
 */
public final class RequestPricer {
    public static final RequestPricer UNPRICED = new RequestPricer(LivePrices.fixed(PriceTable.empty()));

    private final LivePrices prices;
    private PriceTable remembered;
    private PriceLookup lookup;

    public RequestPricer(LivePrices prices) {
        this.prices = prices;
    }

    /** Looks for an edit of the price files (at most as often as the table's own pace). */
    public void poll() {
        prices.poll();
    }

    public PriceTable table() {
        return prices.table();
    }

    public List<FinishedRequest> price(List<FinishedRequest> finished) {
        if (finished.isEmpty()) {
            return finished;
        }
        PriceTable table = prices.table();
        if (table != remembered) {
            remembered = table;
            lookup = PriceLookup.remembering(table);
        }
        List<FinishedRequest> out = new ArrayList<>(finished.size());
        for (FinishedRequest r : finished) {
            out.add(price(lookup, r));
        }
        return out;
    }

    static FinishedRequest price(PriceLookup table, FinishedRequest r) {
        TokenUsage usage = new TokenUsage(r.inputTokens(), r.outputTokens(), r.cacheCreationInputTokens(),
                r.cacheWrite1hTokens(), r.cacheReadInputTokens());
        Instant at = Instant.ofEpochSecond(Math.floorDiv(r.tsUs(), 1_000_000L));
        Pricing.RequestCost c = Pricing.of(table, r.provider(), r.servedModel(), r.model(), usage, at);
        return r.withCosts(c.cost(), c.listCost());
    }
}
