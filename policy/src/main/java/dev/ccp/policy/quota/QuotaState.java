package dev.ccp.policy.quota;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every quota's standing, read from the projection at {@code at}; immutable, swapped whole by the monitor. */
public record QuotaState(QuotaConfig config, Instant at, Map<String, QuotaStanding> standings) {

    public QuotaState {
        standings = Map.copyOf(standings);
    }

    public static QuotaState empty(QuotaConfig config, Instant at) {
        return new QuotaState(config, at, Map.of());
    }

    /** The standings of the quotas that count a request for {@code model} served by {@code lane}, in file order. */
    public List<QuotaStanding> covering(String lane, String model) {
        List<QuotaStanding> out = new ArrayList<>();
        for (Quota q : config.quotas()) {
            QuotaStanding s = standings.get(q.name());
            if (s != null && q.covers(lane, model)) {
                out.add(s);
            }
        }
        return out;
    }

    public List<QuotaStanding> inOrder() {
        List<QuotaStanding> out = new ArrayList<>();
        for (Quota q : config.quotas()) {
            QuotaStanding s = standings.get(q.name());
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }
}
