package dev.ccp.proxy.ratelimit;

import dev.ccp.events.CcpPaths;
import dev.ccp.testkit.ModuleJars;

import java.nio.file.Path;

/** Brings the sqlite projection of a test's log (under {@code dir/logs}) up to date: the projector jar, --once --only sqlite. */
public final class ProjectOnceForTests {
    private ProjectOnceForTests() {
    }

    public static void sqlite(Path dir) {
        ModuleJars.projectOnce(CcpPaths.under(dir), "sqlite");
    }
}
