package dev.ccp.cli.report;

import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.Route;
import dev.ccp.policy.price.PriceTable;
import dev.ccp.policy.price.Pricing;
import dev.ccp.policy.price.TokenUsage;
import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.SampleTokens;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The recorded requests routed again under another catalog, on paper: each request's model goes to the
 * first route that matches it (a route with {@code when:} is taken as not matching), else the default
 * provider, and both what happened and what would have are priced with one table at the request's own
 * time and with the tokens the provider reported. A function of the samples, the catalog and the table.
 */
final class WhatIf {
    /** One side's sums; amounts in pico-dollars. */
    static final class Side {
        final Map<String, long[]> lanes = new TreeMap<>();
        long requests;
        long offloaded;
        long unpriced;
        long cost;
        long listCost;
        long saved;

        void add(String lane, TokenUsage u, Pricing.RequestCost c) {
            requests++;
            long[] l = lanes.computeIfAbsent(lane == null ? "(rejected)" : lane, k -> new long[2]);
            l[0]++;
            l[1] += u.promptTokens() + u.outputTokens();
            if (c.offloaded()) {
                offloaded++;
            }
            if (c.cost() == null) {
                unpriced++;
            } else {
                cost += c.cost();
            }
            if (c.listCost() != null) {
                listCost += c.listCost();
            }
            saved += c.saved();
        }

        double offloadShare() {
            return requests == 0 ? 0 : (double) offloaded / requests;
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> l = new LinkedHashMap<>();
            lanes.forEach((lane, v) -> l.put(lane, Map.of("requests", v[0], "tokens", v[1])));
            m.put("requests", requests);
            m.put("lanes", l);
            m.put("offload_share", Math.round(offloadShare() * 10_000) / 10_000.0);
            m.put("cost_usd", CostTable.usd(cost));
            m.put("list_cost_usd", CostTable.usd(listCost));
            m.put("saved_usd", CostTable.usd(saved));
            m.put("unpriced", unpriced);
            return m;
        }
    }

    final Side recorded = new Side();
    final Side whatIf = new Side();
    private final Catalog catalog;
    private final PriceTable prices;

    WhatIf(Catalog catalog, PriceTable prices) {
        this.catalog = catalog;
        this.prices = prices;
    }

    void add(SampleTokens.Row r) {
        TokenUsage u = new TokenUsage(r.inputTokens(), r.outputTokens(), r.cacheCreationTokens(), r.cacheWrite1hTokens(),
                r.cacheReadTokens());
        Instant at = Instant.ofEpochSecond(Math.floorDiv(r.tsUs(), 1_000_000L));
        String served = r.upstreamModel() != null ? r.upstreamModel() : r.model();
        recorded.add(r.provider(), u, Pricing.of(prices, r.provider(), served, r.model(), u, at));
        if (r.provider() == null) {
            // Refused by the proxy itself: no catalog would have sent it anywhere.
            whatIf.add(null, u, Pricing.of(prices, null, r.model(), r.model(), u, at));
            return;
        }
        Optional<Route> route = r.model() == null ? Optional.empty() : catalog.routeFor(r.model());
        String provider = route.map(Route::provider).orElse(catalog.defaultProvider());
        String model = route.map(Route::upstreamModel).orElse(null);
        whatIf.add(provider, u, Pricing.of(prices, provider, model != null ? model : r.model(), r.model(), u, at));
    }
}
