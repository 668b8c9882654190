package dev.ccp.proxy.dashboard;

import dev.ccp.proxy.readside.ReadQuery;
import dev.ccp.proxy.readside.ReadQuery.BadParameter;
import dev.ccp.readmodel.dashboard.FeedFilter;
import io.helidon.common.uri.UriQuery;

import java.util.HashSet;
import java.util.Set;

import static dev.ccp.proxy.readside.ReadQuery.optional;

/** The dashboard's query parameters: the feed's filters, its cursor, and no parameter it does not know. */
final class DashboardQuery {
    static final Set<String> FILTERS = Set.of("lane", "model", "decision", "session", "status");

    private DashboardQuery() {
    }

    static FeedFilter filter(UriQuery q) throws BadParameter {
        String status = optional(q, "status");
        Integer code = null;
        if (status != null) {
            try {
                code = Integer.parseInt(status);
            } catch (NumberFormatException e) {
                code = -1;
            }
            if (code < 0 || code > 599) {
                throw new BadParameter("status must be an HTTP status from 0 to 599, not '" + status + "'");
            }
        }
        return new FeedFilter(text(q, "lane"), text(q, "model"), text(q, "decision"), text(q, "session"), code);
    }

    static String text(UriQuery q, String name) throws BadParameter {
        String v = optional(q, name);
        if (v != null && (v.length() > 200 || v.chars().anyMatch(Character::isISOControl))) {
            throw new BadParameter(name + " must be at most 200 printable characters");
        }
        return v;
    }

    static long[] cursor(String v) throws BadParameter {
        if (v == null) {
            return null;
        }
        String[] parts = v.split(":", -1);
        try {
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0]), Integer.parseInt(parts[1])};
            }
        } catch (NumberFormatException ignored) {
            // Answered below.
        }
        throw new BadParameter("after must be the id of a feed row (INDEX:SEQ), not '" + v + "'");
    }

    static int compare(long[] a, long[] b) {
        int c = Long.compare(a[0], b[0]);
        return c != 0 ? c : Long.compare(a[1], b[1]);
    }

    static void known(UriQuery q, Set<String> allowed) throws BadParameter {
        for (String name : q.names()) {
            if (!allowed.contains(name)) {
                throw new BadParameter("unknown parameter '" + name + "'"
                        + (allowed.isEmpty() ? "; this endpoint takes none" : "; known: " + String.join(", ", allowed.stream().sorted().toList())));
            }
        }
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        HashSet<String> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }
}
