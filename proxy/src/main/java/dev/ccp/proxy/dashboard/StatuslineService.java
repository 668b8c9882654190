package dev.ccp.proxy.dashboard;

import dev.ccp.policy.quota.QuotaStanding;
import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.ProviderWindowsTable;
import dev.ccp.readmodel.dashboard.DashboardReader;
import dev.ccp.readmodel.dashboard.Money;
import dev.ccp.readmodel.dashboard.ReadModelException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /api/statusline}: the one line {@code cc statusline} prints (lane of the last request,
 * today's offload share, Anthropic's 5-hour window, the fullest quota, today's savings). Whatever the
 * read model cannot give is left out; the line is never an error.
 */
final class StatuslineService implements HttpService {
    private final DashboardReader reader;
    private final InstantSource clock;
    private final Supplier<String> defaultLane;
    private final Supplier<List<QuotaStanding>> quotas;

    StatuslineService(DashboardReader reader, InstantSource clock, Supplier<String> defaultLane,
                      Supplier<List<QuotaStanding>> quotas) {
        this.reader = reader;
        this.clock = clock;
        this.defaultLane = defaultLane;
        this.quotas = quotas;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::statusline);
    }

    private void statusline(ServerRequest req, ServerResponse res) {
        List<String> parts = new ArrayList<>();
        Instant now = clock.instant();
        long midnight = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        try {
            DashboardReader.Share share = reader.share(midnight, defaultLane.get());
            parts.add("ccp ▸ " + (share.lastLane() == null ? "ready" : share.lastLane()));
            if (share.requests() > 0) {
                parts.add("offload " + Math.round(100.0 * share.offloaded() / share.requests()) + "% today");
            }
        } catch (ReadModelException e) {
            parts.add("ccp ▸ ready");
        }
        Money money = null;
        try {
            money = reader.money(midnight);
        } catch (ReadModelException e) {
            money = null;
        }
        if (money != null) {
            money.windows().stream().filter(w -> w.provider().equals("anthropic")).findFirst()
                    .map(ProviderWindowsTable.Standing::fiveHour)
                    .filter(w -> w.utilization() != null && (w.resetS() == null || w.resetS() > now.getEpochSecond()))
                    .ifPresent(w -> parts.add("5h " + Math.round(100 * w.utilization()) + "%"));
        }
        quotas.get().stream().max(java.util.Comparator.comparingDouble(QuotaStanding::percent))
                .ifPresent(s -> parts.add(s.quota().name() + " " + Math.round(s.percent()) + "%"));
        // Savings only come from offloaded requests: none offloaded today, nothing to say.
        if (money != null && money.cost().total().offloaded() > 0) {
            parts.add("saved $" + CostTable.usd(money.cost().total().saved())
                    .setScale(2, java.math.RoundingMode.HALF_UP).toPlainString());
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send((String.join(" · ", parts) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
