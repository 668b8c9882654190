package dev.ccp.proxy.ratelimit;

import dev.ccp.policy.catalog.RouteCondition;
import dev.ccp.proxy.routing.RoutingPolicy;
import dev.ccp.readmodel.ProviderWindowsTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * A route's {@code when:} against Anthropic's windows as last reported ({@link ProviderWindows}): it
 * holds while every threshold it names is reached. A window whose reset time has passed, or that was
 * never reported, is unknown, and an unknown window never satisfies a condition.
 */
public final class WindowConditions implements RoutingPolicy.Conditions {
    static final String PROVIDER = "anthropic";

    private final ProviderWindows windows;

    public WindowConditions(ProviderWindows windows) {
        this.windows = windows;
    }

    @Override
    public Optional<String> holds(RouteCondition when) {
        List<String> why = new ArrayList<>(2);
        if (!reached(when.anthropic5hUtilizationGte(), "5h", ProviderWindowsTable.Standing::fiveHour, why)
                || !reached(when.anthropic7dUtilizationGte(), "7d", ProviderWindowsTable.Standing::sevenDay, why)) {
            return Optional.empty();
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", why));
    }

    private boolean reached(Double threshold, String name, Function<ProviderWindowsTable.Standing, ProviderWindowsTable.Window> window,
                            List<String> why) {
        if (threshold == null) {
            return true;
        }
        long now = windows.now().getEpochSecond();
        Optional<Double> used = windows.latest(PROVIDER).map(window)
                .filter(w -> w.utilization() != null && (w.resetS() == null || w.resetS() > now))
                .map(ProviderWindowsTable.Window::utilization);
        if (used.isEmpty() || used.get() < threshold) {
            return false;
        }
        why.add(String.format(Locale.ROOT, "%s %s window %s used (>= %s)", PROVIDER, name, pct(used.get()), pct(threshold)));
        return true;
    }

    private static String pct(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? Long.toString(Math.round(p)) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }
}
