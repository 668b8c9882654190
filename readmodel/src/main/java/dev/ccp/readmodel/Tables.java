package dev.ccp.readmodel;

import java.util.List;

/** The read model's table names, as {@link Database#SCHEMA} creates them. */
public final class Tables {
    public static final String SAMPLES = "samples";
    public static final String ROLLUP_HOUR = "rollup_hour";
    public static final String ROLLUP_DAY = "rollup_day";
    public static final String QUOTA_USAGE = "quota_usage";
    public static final String QUOTA_LIMITS = "quota_limits";
    public static final String QUOTA_SPEED = "quota_speed";
    public static final String PARTIAL_FILES = "partial_files";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String COST_HOUR = CostTable.NAME;
    public static final String PROVIDER_WINDOWS = ProviderWindowsTable.NAME;
    /** The checkpoint of the rollups: samples up to its index are folded into them, later ones are not yet. */
    public static final String ROLLUPS_CHECKPOINT = "sqlite-rollups";
    public static final List<String> ALL = List.of(SAMPLES, ROLLUP_HOUR, ROLLUP_DAY, QUOTA_USAGE, QUOTA_LIMITS, QUOTA_SPEED,
            PARTIAL_FILES, CHECKPOINTS, COST_HOUR, PROVIDER_WINDOWS);

    private Tables() {
    }

    /** {@code name} when it is one of the read model's tables; refuses anything else (table names are spliced into SQL). */
    static String known(String name) {
        if (!ALL.contains(name)) {
            throw new IllegalArgumentException("not a read-model table: " + name);
        }
        return name;
    }

    /** {@code name} when it is a rollup table. */
    static String rollup(String name) {
        if (!ROLLUP_HOUR.equals(name) && !ROLLUP_DAY.equals(name)) {
            throw new IllegalArgumentException("not a rollup table: " + name);
        }
        return name;
    }
}
