package dev.ccp.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Decision;
import dev.ccp.events.HeaderModes;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The traffic audit over {@code logs/usage.jsonl}: the share of routing decisions sent to Z.AI, the
 * completions per lane, and the routing violations, each counted with a few examples.
 */
public final class RoutingAudit {
    public static final String ANTHROPIC = "anthropic";
    public static final String ZAI = "zai";
    public static final String UNKNOWN = "unknown";
    public static final String HAIKU_ON_ANTHROPIC = "haiku_on_anthropic";
    public static final String ZAI_HEADER_ON_ANTHROPIC = "zai_header_on_anthropic";
    static final int EXAMPLES = 5;

    /** One line that broke a rule. */
    public record Example(long line, String ts, String reqId, String model, String decision, String headerMode) {
    }

    private final Path file;
    private long lines;
    private long unreadable;
    private long decisions;
    private long toZai;
    private final Map<String, Long> completions = new LinkedHashMap<>();
    private final Map<String, Long> violations = new LinkedHashMap<>();
    private final Map<String, List<Example>> examples = new LinkedHashMap<>();
    /** Per member (team projections): lines, decisions, decisions sent to Z.AI, violations. */
    private final Map<String, long[]> members = new java.util.TreeMap<>();

    private RoutingAudit(Path file) {
        this.file = file;
        completions.put(ANTHROPIC, 0L);
        completions.put(ZAI, 0L);
        completions.put(UNKNOWN, 0L);
        for (String v : List.of(HAIKU_ON_ANTHROPIC, ZAI_HEADER_ON_ANTHROPIC)) {
            violations.put(v, 0L);
            examples.put(v, new ArrayList<>());
        }
    }

    public static RoutingAudit of(Path usageJsonl, ObjectMapper json) throws IOException {
        RoutingAudit a = new RoutingAudit(usageJsonl);
        try (BufferedReader in = Files.newBufferedReader(usageJsonl, StandardCharsets.UTF_8)) {
            String text;
            while ((text = in.readLine()) != null) {
                a.lines++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = json.readTree(text);
                } catch (JsonProcessingException e) {
                    a.unreadable++;
                    continue;
                }
                if (n == null || !n.isObject()) {
                    a.unreadable++;
                    continue;
                }
                a.add(n);
            }
        }
        return a;
    }

    private void add(JsonNode n) {
        String lane = text(n, "lane");
        String decision = text(n, "decision");
        String model = text(n, "model");
        String headerMode = text(n, "header_mode");
        String member = text(n, "member");
        long[] m = member == null ? null : members.computeIfAbsent(member, k -> new long[4]);
        if (m != null) {
            m[0]++;
        }
        if (decision != null) {
            decisions++;
            if (ZAI.equals(lane)) {
                toZai++;
            }
            if (m != null) {
                m[1]++;
                m[2] += ZAI.equals(lane) ? 1 : 0;
            }
        }
        completions.merge(lane == null ? UNKNOWN : lane, 1L, Long::sum);
        if (!ANTHROPIC.equals(lane)) {
            return;
        }
        if (model != null && model.toLowerCase(Locale.ROOT).contains("haiku")
                && !Decision.fromWire(decision).map(Decision.EXPLAIN_DEFAULT_LANE::contains).orElse(false)) {
            violation(HAIKU_ON_ANTHROPIC, n, model, decision, headerMode);
        }
        if (HeaderModes.X_API_KEY.equals(headerMode) || HeaderModes.AUTHORIZATION.equals(headerMode)) {
            violation(ZAI_HEADER_ON_ANTHROPIC, n, model, decision, headerMode);
        }
    }

    private void violation(String kind, JsonNode n, String model, String decision, String headerMode) {
        violations.merge(kind, 1L, Long::sum);
        String member = text(n, "member");
        if (member != null) {
            members.get(member)[3]++;
        }
        List<Example> list = examples.get(kind);
        if (list.size() < EXAMPLES) {
            list.add(new Example(lines, text(n, "ts"), text(n, "req_id"), model, decision, headerMode));
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    public Path file() {
        return file;
    }

    public long decisions() {
        return decisions;
    }

    public double zaiShare() {
        return decisions == 0 ? 0 : (double) toZai / decisions;
    }

    public long totalViolations() {
        return violations.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The two lines of the guide, then one line per check, examples, and the verdict. */
    public List<String> textLines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "routing decisions sent to Z.AI: %.1f%% (%d of %d)", zaiShare() * 100, toZai, decisions));
        StringBuilder lanes = new StringBuilder("completions per lane:");
        completions.forEach((lane, n) -> lanes.append(' ').append(lane).append(' ').append(n).append(','));
        lanes.setLength(lanes.length() - 1);
        out.add(lanes.toString());
        out.add(String.format(Locale.ROOT, "check %-24s %d violation(s): Haiku request served by Anthropic without a decision that explains it",
                HAIKU_ON_ANTHROPIC, violations.get(HAIKU_ON_ANTHROPIC)));
        out.add(String.format(Locale.ROOT, "check %-24s %d violation(s): Z.AI credential mode (x-api-key/authorization) on an Anthropic line",
                ZAI_HEADER_ON_ANTHROPIC, violations.get(ZAI_HEADER_ON_ANTHROPIC)));
        // Only lines that name a member (a team projection, or a log written since members exist) add these.
        members.forEach((member, m) -> out.add(String.format(Locale.ROOT,
                "member %s: %d line(s), routing decisions sent to Z.AI %.1f%% (%d of %d), %d violation(s)",
                member, m[0], m[1] == 0 ? 0.0 : m[2] * 100.0 / m[1], m[2], m[1], m[3])));
        examples.forEach((kind, list) -> list.forEach(e -> out.add("  " + kind + ": line " + e.line() + " " + e.ts() + " "
                + e.reqId() + " model=" + e.model() + " decision=" + e.decision() + " header_mode=" + e.headerMode())));
        long total = totalViolations();
        out.add(total == 0
                ? "OK: routing verified over " + lines + " line(s) of " + file
                + (unreadable > 0 ? " (" + unreadable + " unreadable line(s) skipped)" : "")
                : "FAIL: " + total + " routing violation(s) in " + file);
        return out;
    }

    public Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("decisions", decisions);
        doc.put("zai_share", zaiShare());
        doc.put("completions", completions);
        doc.put("violations", violations);
        doc.put("ok", totalViolations() == 0);
        doc.put("file", file.toString());
        doc.put("lines", lines);
        doc.put("unreadable_lines", unreadable);
        Map<String, Object> ex = new LinkedHashMap<>();
        examples.forEach((kind, list) -> ex.put(kind, list.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", e.line());
            m.put("ts", e.ts());
            m.put("req_id", e.reqId());
            m.put("model", e.model());
            m.put("decision", e.decision());
            m.put("header_mode", e.headerMode());
            return m;
        }).toList()));
        doc.put("examples", ex);
        if (!members.isEmpty()) {
            Map<String, Object> byMember = new LinkedHashMap<>();
            members.forEach((member, m) -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("lines", m[0]);
                one.put("decisions", m[1]);
                one.put("to_zai", m[2]);
                one.put("violations", m[3]);
                byMember.put(member, one);
            });
            doc.put("members", byMember);
        }
        return doc;
    }
}
