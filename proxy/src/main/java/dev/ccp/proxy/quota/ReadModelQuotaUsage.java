package dev.ccp.proxy.quota;

import dev.ccp.policy.quota.QuotaUsageReader;
import dev.ccp.policy.quota.WindowUse;
import dev.ccp.readmodel.QuotaUsageTable;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/** The read model's {@code quota_usage} table as the quota reader's source of per-minute use. */
final class ReadModelQuotaUsage implements QuotaUsageReader.Source {
    private final QuotaUsageTable table;

    private ReadModelQuotaUsage(Path db) {
        this.table = new QuotaUsageTable(db);
    }

    static QuotaUsageReader reader(Path db) {
        return new QuotaUsageReader(new ReadModelQuotaUsage(db));
    }

    @Override
    public List<QuotaUsageReader.ScopeUse> sums(long fromSecond, long toSecond) throws SQLException {
        return table.sums(fromSecond, toSecond).stream().map(r -> new QuotaUsageReader.ScopeUse(r.lane(), r.model(),
                new WindowUse(r.requests(), r.inputTokens(), r.outputTokens(), r.firstMinute()))).toList();
    }

    @Override
    public List<QuotaUsageReader.MinuteUse> minutes(long fromSecond, long toSecond) throws SQLException {
        return table.minutes(fromSecond, toSecond).stream().map(r -> new QuotaUsageReader.MinuteUse(r.minuteStart(), r.lane(),
                r.model(), new WindowUse(r.requests(), r.inputTokens(), r.outputTokens(), -1))).toList();
    }

    @Override
    public void close() {
        table.close();
    }
}
