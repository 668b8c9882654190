package dev.ccp.proxy.ratelimit;

import dev.ccp.events.CcpPaths;
import dev.ccp.projector.Projector;

import java.nio.file.Path;
import java.util.Set;

/** Brings the sqlite projection of a test's log (under {@code dir/logs}) up to date, as bin/ccp-projector --once --only sqlite. */
public final class ProjectOnceForTests {
    private ProjectOnceForTests() {
    }

    public static void sqlite(Path dir) {
        Projector.catchUp(CcpPaths.under(dir), Set.of("sqlite"));
    }
}
