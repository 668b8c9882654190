package dev.ccp.policy.price;

import dev.ccp.policy.yaml.LayeredFiles;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and merges price files (see {@code configs/prices.yaml} for the format). A higher layer's entry
 * with the same provider, match and {@code effective_from} replaces a lower one; a higher layer's other
 * entries are tried before the lower layers' (so a user's own entry wins over the shipped one). Anything
 * that would misprice is refused with {@code FILE:LINE: why}: a negative or non-numeric price, an
 * unknown key, an unknown provider, two entries of one provider and match from the same day.
 */
public final class PriceTables {
    private static final Set<String> RATE_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read");
    private static final Set<String> ENTRY_KEYS = Set.of("provider", "match", "effective_from", "source",
            "input", "output", "cache_write_5m", "cache_write_1h", "cache_read", "above_200k");
    private static final Set<String> PLAN_KEYS = Set.of("provider", "name", "monthly_usd", "effective_from",
            "effective_until", "source");

    private PriceTables() {
    }

    /**
     * Reads the layers that exist and merges them.
     *
     * @param providers the catalog's provider names (an entry naming another is refused), or null to accept any
     * @throws PriceException naming the file and line of the first problem
     */
    public static PriceTable load(PriceFiles files, Collection<String> providers) {
        List<Map.Entry<String, String>> texts = LayeredFiles.read(files.layers(), files.required(),
                "the price file", "the price table", PriceException::new);
        return merge(texts, providers);
    }

    /** Merges YAML texts (source name, text), lowest layer first. */
    public static PriceTable merge(List<Map.Entry<String, String>> texts, Collection<String> providers) {
        List<List<PriceEntry>> entryLayers = new ArrayList<>();
        List<List<PlanFee>> planLayers = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        for (Map.Entry<String, String> t : texts) {
            List<PriceEntry> entries = new ArrayList<>();
            List<PlanFee> plans = new ArrayList<>();
            read(PriceYaml.parse(t.getValue(), t.getKey()), t.getKey(), providers, entries, plans);
            entryLayers.add(entries);
            planLayers.add(plans);
            layers.add(t.getKey());
        }
        Map<String, PriceEntry> seen = new HashMap<>();
        List<PriceEntry> entries = new ArrayList<>();
        for (int i = entryLayers.size() - 1; i >= 0; i--) {
            for (PriceEntry e : entryLayers.get(i)) {
                if (seen.putIfAbsent(key(e), e) == null) {
                    entries.add(e);
                }
            }
        }
        Map<String, PlanFee> seenPlans = new LinkedHashMap<>();
        for (int i = planLayers.size() - 1; i >= 0; i--) {
            for (PlanFee p : planLayers.get(i)) {
                seenPlans.putIfAbsent(p.provider() + "|" + p.effectiveFrom(), p);
            }
        }
        return new PriceTable(entries, List.copyOf(seenPlans.values()), layers);
    }

    private static String key(PriceEntry e) {
        return e.provider() + "|" + e.match().toLowerCase(Locale.ROOT) + "|" + e.effectiveFrom();
    }

    private static void read(PriceYaml root, String source, Collection<String> providers,
                             List<PriceEntry> entries, List<PlanFee> plans) {
        if (root == null || root.value() == null) {
            return;
        }
        if (!root.isMap()) {
            throw new PriceException(at(source, root) + "the price table must be a mapping with prices (and plans)");
        }
        for (Map.Entry<String, PriceYaml> k : root.map().entrySet()) {
            if (!k.getKey().equals("prices") && !k.getKey().equals("plans")) {
                throw new PriceException(at(source, k.getValue()) + "unknown key " + k.getKey() + " (expected prices, plans)");
            }
        }
        PriceYaml ps = root.map().get("prices");
        Map<String, PriceEntry> own = new HashMap<>();
        if (ps != null && ps.value() != null) {
            if (!ps.isList()) {
                throw new PriceException(at(source, ps) + "prices must be a list of entries");
            }
            for (PriceYaml node : ps.list()) {
                PriceEntry e = entry(node, source, providers);
                PriceEntry before = own.putIfAbsent(key(e), e);
                if (before != null) {
                    throw new PriceException(e.where() + ": " + e.provider() + " " + e.match()
                            + " already has an entry effective_from " + e.effectiveFrom() + " at " + before.where());
                }
                entries.add(e);
            }
        }
        PriceYaml pl = root.map().get("plans");
        Map<String, PlanFee> ownPlans = new HashMap<>();
        if (pl != null && pl.value() != null) {
            if (!pl.isList()) {
                throw new PriceException(at(source, pl) + "plans must be a list");
            }
            for (PriceYaml node : pl.list()) {
                PlanFee p = plan(node, source, providers);
                PlanFee before = ownPlans.putIfAbsent(p.provider() + "|" + p.effectiveFrom(), p);
                if (before != null) {
                    throw new PriceException(p.where() + ": " + p.provider() + " already has a plan effective_from "
                            + p.effectiveFrom() + " at " + before.where());
                }
                plans.add(p);
            }
        }
    }

    private static PriceEntry entry(PriceYaml node, String source, Collection<String> providers) {
        if (!node.isMap()) {
            throw new PriceException(at(source, node) + "a price entry must be a mapping (provider, match, effective_from, input, output, …)");
        }
        Map<String, PriceYaml> f = node.map();
        unknownKeys(f, ENTRY_KEYS, source, "price entry");
        String provider = provider(node, source, providers);
        String match = required(node, "match", source, "price entry");
        LocalDate from = date(node, "effective_from", source, true);
        String where = source + ":" + node.line();
        Rates rates = rates(node, source, "");
        Rates longContext = null;
        PriceYaml lc = f.get("above_200k");
        if (lc != null && lc.value() != null) {
            if (!lc.isMap()) {
                throw new PriceException(at(source, lc) + "above_200k must be a mapping of the rates above 200k prompt tokens");
            }
            unknownKeys(lc.map(), RATE_KEYS, source, "above_200k");
            longContext = rates(new PriceYaml(lc.value(), lc.line()), source, "above_200k.");
        }
        PriceYaml src = f.get("source");
        return new PriceEntry(provider, match.strip(), from, rates, longContext, src == null ? null : src.text(), where);
    }

    /** input and output are required; a cache rate left out costs what an input token costs. */
    private static Rates rates(PriceYaml node, String source, String prefix) {
        long input = price(node, "input", source, prefix, null);
        long output = price(node, "output", source, prefix, null);
        return new Rates(input, output,
                price(node, "cache_write_5m", source, prefix, input),
                price(node, "cache_write_1h", source, prefix, input),
                price(node, "cache_read", source, prefix, input));
    }

    private static long price(PriceYaml node, String key, String source, String prefix, Long fallback) {
        PriceYaml v = node.map().get(key);
        if (v == null || v.value() == null) {
            if (fallback == null) {
                throw new PriceException(at(source, node) + "the entry has no " + prefix + key + " price (USD per million tokens)");
            }
            return fallback;
        }
        if (v.text() == null) {
            throw new PriceException(at(source, v) + prefix + key + " must be a number (USD per million tokens)");
        }
        try {
            return Money.perToken(v.text());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new PriceException(at(source, v) + prefix + key + " " + e.getMessage());
        }
    }

    private static PlanFee plan(PriceYaml node, String source, Collection<String> providers) {
        if (!node.isMap()) {
            throw new PriceException(at(source, node) + "a plan must be a mapping (provider, monthly_usd, effective_from)");
        }
        unknownKeys(node.map(), PLAN_KEYS, source, "plan");
        String provider = provider(node, source, providers);
        PriceYaml fee = node.map().get("monthly_usd");
        if (fee == null || fee.text() == null) {
            throw new PriceException(at(source, fee == null ? node : fee) + "the plan has no monthly_usd");
        }
        long monthly;
        try {
            monthly = Money.dollars(fee.text());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new PriceException(at(source, fee) + "monthly_usd " + e.getMessage());
        }
        LocalDate from = date(node, "effective_from", source, true);
        LocalDate until = date(node, "effective_until", source, false);
        if (until != null && !until.isAfter(from)) {
            throw new PriceException(at(source, node.map().get("effective_until")) + "effective_until " + until
                    + " is not after effective_from " + from);
        }
        PriceYaml name = node.map().get("name");
        PriceYaml src = node.map().get("source");
        return new PlanFee(provider, name == null ? null : name.text(), monthly, from, until,
                src == null ? null : src.text(), source + ":" + node.line());
    }

    private static String provider(PriceYaml node, String source, Collection<String> providers) {
        String p = required(node, "provider", source, node.map().containsKey("monthly_usd") ? "plan" : "price entry").strip();
        if (providers != null && !providers.contains(p)) {
            throw new PriceException(at(source, node.map().get("provider")) + "unknown provider " + p
                    + " (known: " + String.join(", ", providers) + ")");
        }
        return p;
    }

    private static String required(PriceYaml node, String key, String source, String what) {
        PriceYaml v = node.map().get(key);
        if (v == null || v.text() == null || v.text().isBlank()) {
            throw new PriceException(at(source, v == null ? node : v) + "the " + what + " has no " + key);
        }
        return v.text();
    }

    private static LocalDate date(PriceYaml node, String key, String source, boolean required) {
        PriceYaml v = node.map().get(key);
        if (v == null || v.value() == null) {
            if (required) {
                throw new PriceException(at(source, node) + "the entry has no " + key + " (a date, YYYY-MM-DD)");
            }
            return null;
        }
        try {
            return LocalDate.parse(v.text() == null ? "" : v.text().strip());
        } catch (DateTimeParseException e) {
            throw new PriceException(at(source, v) + key + " must be a date (YYYY-MM-DD), not " + v.text());
        }
    }

    private static void unknownKeys(Map<String, PriceYaml> f, Set<String> known, String source, String what) {
        for (Map.Entry<String, PriceYaml> k : f.entrySet()) {
            if (!known.contains(k.getKey())) {
                throw new PriceException(at(source, k.getValue()) + "unknown key " + k.getKey() + " in a " + what
                        + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String at(String source, PriceYaml node) {
        return node == null || node.line() <= 0 ? source + ": " : source + ":" + node.line() + ": ";
    }
}
