package dev.ccp.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/** The recorded requests' routing and tokens from {@code samples}, for replaying their routing ({@code cc whatif}). */
public final class SampleTokens {
    /** One finished request: who served it, the model asked for and the one served, the tokens reported ({@code cacheWrite1hTokens}: the 1-hour part of the cache writes). */
    public record Row(long tsUs, String model, String upstreamModel, String provider, long inputTokens, long outputTokens,
                      long cacheCreationTokens, long cacheReadTokens, long cacheWrite1hTokens) {
    }

    private SampleTokens() {
    }

    /** Each sample finished at or after {@code sinceUs}, in log order. */
    public static void each(Connection db, long sinceUs, Consumer<Row> row) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT ts_us, model, upstream_model, provider, input_tokens,"
                + " output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cache_creation_1h_input_tokens FROM samples WHERE ts_us >= ?"
                + " ORDER BY idx, seq")) {
            ps.setLong(1, sinceUs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
                }
            }
        }
    }
}
