package dev.ccp.cli.client;

import dev.ccp.cli.CcRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ModelCommandTest {
    @TempDir
    Path root;

    @Test
    void setShowAndClearTheOverrideFile() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.system());
        Path file = cc.paths().userConfigDir().resolve("model");

        CcRunner.Result none = cc.run("model");
        assertEquals(0, none.exit());
        assertEquals("no model override set: each request is routed by its own model\n", none.out());

        CcRunner.Result set = cc.run("model", "claude-sonnet-4-5");
        assertEquals(0, set.exit(), set.toString());
        assertEquals("model override set to claude-sonnet-4-5 (" + file + ")\n", set.out());
        assertEquals("claude-sonnet-4-5\n", Files.readString(file));

        assertEquals("model override: claude-sonnet-4-5 (" + file + ")\n", cc.run("model").out());
        assertEquals("{\"model\":\"claude-sonnet-4-5\",\"file\":\"" + file + "\"}\n", cc.run("model", "--json").out());

        CcRunner.Result cleared = cc.run("model", "--clear");
        assertEquals(0, cleared.exit());
        assertEquals("model override cleared (was claude-sonnet-4-5)\n", cleared.out());
        assertFalse(Files.exists(file));
        assertEquals("{\"model\":null,\"file\":\"" + file + "\"}\n", cc.run("model", "--json").out());
        assertEquals("no model override was set\n", cc.run("model", "--clear").out());
    }

    @Test
    void badNameOrNameWithClearIsRefusedAndTheFileUntouched() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.system());
        cc.run("model", "haiku");

        CcRunner.Result bad = cc.run("model", "two words");
        assertEquals(2, bad.exit());
        assertEquals(List.of("cc model: 'two words' is not a model name (letters, digits and . _ : / @ + - only)"),
                bad.errLines());

        CcRunner.Result both = cc.run("model", "sonnet", "--clear");
        assertEquals(2, both.exit());
        assertEquals(List.of("cc model: give a model NAME or --clear, not both"), both.errLines());

        assertEquals("haiku\n", Files.readString(cc.paths().userConfigDir().resolve("model")));
    }
}
