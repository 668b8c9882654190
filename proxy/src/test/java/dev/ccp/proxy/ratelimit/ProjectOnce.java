package dev.ccp.proxy.ratelimit;

import dev.ccp.events.CcpPaths;
import dev.ccp.proxy.ProxyContext;
import dev.ccp.projector.Projector;

import java.nio.file.Path;
import java.util.Set;

/** Brings the sqlite projection of the test's log up to date, as bin/ccp-projector --once --only sqlite. */
final class ProjectOnce {
    private ProjectOnce() {
    }

    static void sqlite(ProxyContext ctx, Path dir) {
        Path logs = dir.resolve("logs");
        Projector.catchUp(new CcpPaths(dir, logs, logs.resolve("queue"), logs.resolve("ccp.sqlite3"), dir.resolve("results"),
                dir.resolve("user-config")), Set.of("sqlite"));
    }
}
