package dev.ccp.policy.quota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The quotas as plain maps for JSON: GET /v1/quotas, the ConfigChanged detail, cc status --json. Secret-free by construction. */
public final class QuotaJson {
    private QuotaJson() {
    }

    public static Map<String, Object> config(QuotaConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", c.source());
        List<Object> quotas = new ArrayList<>();
        for (Quota q : c.quotas()) {
            quotas.add(quota(q));
        }
        out.put("quotas", quotas);
        out.put("fallbacks", new LinkedHashMap<>(c.fallbacks()));
        return out;
    }

    public static Map<String, Object> quota(Quota q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", q.name());
        m.put("provider", q.provider());
        m.put("model", q.model());
        m.put("window", Windows.label(q.window()));
        m.put("rolling", limits(q.rolling()));
        m.put("weekly", limits(q.weekly()));
        m.put("warn_pct", q.warnPct());
        m.put("block_pct", q.blockPct());
        m.put("fallback", q.fallback());
        return m;
    }

    public static Map<String, Object> limits(Limits l) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (l.requests() > 0) {
            m.put("requests", l.requests());
        }
        if (l.inputTokens() > 0) {
            m.put("input_tokens", l.inputTokens());
        }
        if (l.outputTokens() > 0) {
            m.put("output_tokens", l.outputTokens());
        }
        if (l.totalTokens() > 0) {
            m.put("total_tokens", l.totalTokens());
        }
        return m;
    }

    public static Map<String, Object> standing(QuotaStanding s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.quota().name());
        m.put("scope", s.quota().scope());
        m.put("rolling", use(s.rolling()));
        m.put("rolling_pct", round(s.rollingPct()));
        m.put("weekly", use(s.weekly()));
        m.put("weekly_pct", round(s.weeklyPct()));
        m.put("warn", s.warn());
        m.put("block", s.block());
        m.put("frees_at", s.freesAt() == null ? null : s.freesAt().toString());
        return m;
    }

    static Map<String, Object> use(WindowUse u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", u.requests());
        m.put("input_tokens", u.inputTokens());
        m.put("output_tokens", u.outputTokens());
        m.put("total_tokens", u.totalTokens());
        return m;
    }

    public static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }
}
