package dev.ccp.readmodel;

import dev.ccp.policy.quota.QuotaUsageReader;
import dev.ccp.policy.quota.WindowUse;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * The read model's {@code quota_usage} table as the quota reader's source of per-minute use: the one
 * place the read model meets {@code policy}'s quota standing, so the proxy's quota check and
 * {@code cc status} read quotas the same way.
 */
public final class ReadModelQuotaUsage implements QuotaUsageReader.Source {
    private final QuotaUsageTable table;

    private ReadModelQuotaUsage(Path db) {
        this.table = new QuotaUsageTable(db);
    }

    /** A quota reader over the database at {@code db} (no file or no table yet reads as no use). */
    public static QuotaUsageReader reader(Path db) {
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
