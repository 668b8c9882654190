package dev.ccp.cli.quota;

import dev.ccp.readmodel.ProviderWindowsTable;
import dev.ccp.readmodel.ProviderWindowsTable.Standing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines {@code cc status} prints for the providers' own windows (Anthropic's 5-hour and 7-day plan
 * windows and per-minute limits), as the latest answers reported them, beside ccp's own quotas.
 */
final class ProviderWindowLines {
    private ProviderWindowLines() {
    }

    static List<String> lines(List<Standing> standings, Instant now) {
        List<String> out = new ArrayList<>();
        for (Standing s : standings) {
            List<String> parts = new ArrayList<>();
            window(parts, "5h", s.fiveHour(), now);
            window(parts, "7d", s.sevenDay(), now);
            limit(parts, "requests", s.requests());
            limit(parts, "tokens", s.tokens());
            limit(parts, "input tokens", s.inputTokens());
            limit(parts, "output tokens", s.outputTokens());
            if (s.malformed() > 0) {
                parts.add(s.malformed() + " malformed header(s) ignored");
            }
            out.add(s.provider() + " window (" + s.credential() + ", as of "
                    + Instant.ofEpochSecond(0, s.tsUs() * 1000).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "): "
                    + (parts.isEmpty() ? "no values" : String.join("; ", parts)));
        }
        return out;
    }

    private static void window(List<String> parts, String name, ProviderWindowsTable.Window w, Instant now) {
        if (w == null) {
            return;
        }
        boolean stale = w.resetS() != null && w.resetS() <= now.getEpochSecond();
        StringBuilder b = new StringBuilder(name).append(' ');
        b.append(w.utilization() == null ? "?" : String.format(Locale.ROOT, "%.0f%%", w.utilization() * 100));
        if (w.status() != null) {
            b.append(' ').append(w.status());
        }
        if (w.resetS() != null) {
            b.append(stale ? ", reset at " : ", resets ").append(Instant.ofEpochSecond(w.resetS()));
            if (stale) {
                b.append(" (no answer since)");
            }
        }
        parts.add(b.toString());
    }

    private static void limit(List<String> parts, String name, ProviderWindowsTable.Limit l) {
        if (l == null) {
            return;
        }
        parts.add(name + " " + (l.remaining() == null ? "?" : l.remaining()) + "/" + (l.limit() == null ? "?" : l.limit())
                + " left" + (l.resetS() == null ? "" : " until " + Instant.ofEpochSecond(l.resetS())));
    }
}
