package dev.ccp.cli.support;

import dev.ccp.events.CcpPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionsTest {
    @TempDir
    Path root;

    @Test
    void missingProjectionSaysToStartTheProjector() {
        CcpPaths paths = CcpPaths.under(root);

        CommandFailure f = assertThrows(CommandFailure.class, () -> Projections.openDbReadOnly(paths));

        assertEquals(2, f.exitCode());
        assertEquals("no projections yet under " + paths.logDir() + ": start the projector (bin/ccp-projector, or make run)",
                f.getMessage());
    }

    @Test
    void databaseIsOpenedReadOnly() throws Exception {
        CcpPaths paths = CcpPaths.under(root);
        Files.createDirectories(paths.logDir());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + paths.dbPath()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE samples (id INTEGER)");
            s.execute("INSERT INTO samples VALUES (1)");
        }

        try (Connection c = Projections.openDbReadOnly(paths); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM samples")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO samples VALUES (2)"));
        }
    }
}
