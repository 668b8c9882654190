package dev.ccp.events;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where ccp keeps its files. Defaults resolve against the project root (the {@code ccp.home}
 * system property the launchers set, else {@code CCP_HOME}, else the working directory), never
 * against wherever the caller happens to stand; {@code CCP_LOG_DIR}, {@code CCP_DB_PATH} and
 * {@code CCP_RESULTS_DIR} override them.
 */
public record CcpPaths(Path home, Path logDir, Path queueDir, Path dbPath, Path resultsDir, Path userConfigDir) {

    public static CcpPaths fromEnvironment() {
        return from(System.getenv(), System.getProperty("ccp.home"));
    }

    public static CcpPaths from(Map<String, String> env, String homeProperty) {
        Path home = Path.of(firstSet(homeProperty, env.get("CCP_HOME"), System.getProperty("user.dir")))
                .toAbsolutePath().normalize();
        Path logDir = resolve(home, env.get("CCP_LOG_DIR"), "logs");
        Path dbPath = env.get("CCP_DB_PATH") != null && !env.get("CCP_DB_PATH").isBlank()
                ? home.resolve(env.get("CCP_DB_PATH")).normalize()
                : logDir.resolve("ccp.sqlite3");
        Path resultsDir = resolve(home, env.get("CCP_RESULTS_DIR"), "results");
        Path queueDir = logDir.resolve("queue");
        String xdg = env.get("XDG_CONFIG_HOME");
        Path userHome = Path.of(firstSet(env.get("HOME"), System.getProperty("user.home")));
        Path userConfig = xdg != null && !xdg.isBlank()
                ? Path.of(xdg).resolve("ccp")
                : userHome.resolve(".config").resolve("ccp");
        return new CcpPaths(home, logDir, queueDir, dbPath, resultsDir, userConfig);
    }

    /** For tests: every path under one folder. */
    public static CcpPaths under(Path root) {
        Path logs = root.resolve("logs");
        return new CcpPaths(root, logs, logs.resolve("queue"), logs.resolve("ccp.sqlite3"),
                root.resolve("results"), root.resolve("user-config"));
    }

    public Path usageJsonl() {
        return logDir.resolve("usage.jsonl");
    }

    public Path partialsDir() {
        return logDir.resolve("partials");
    }

    public Path metricsJson() {
        return resultsDir.resolve("METRICS.json");
    }

    public Path configsDir() {
        return home.resolve("configs");
    }

    private static Path resolve(Path home, String override, String fallback) {
        return override == null || override.isBlank()
                ? home.resolve(fallback)
                : home.resolve(override).normalize();
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return ".";
    }
}
