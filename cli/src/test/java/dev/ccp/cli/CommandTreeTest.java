package dev.ccp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTreeTest {
    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
    }

    @Test
    void eachTableNameIsTheNameItsCommandDeclares() {
        for (Map.Entry<String, Class<?>> e : CcCommand.SUBCOMMANDS.entrySet()) {
            CommandLine.Command command = e.getValue().getAnnotation(CommandLine.Command.class);
            assertEquals(e.getKey(), command.name(), e.getValue().getName());
        }
    }

    @Test
    void topLevelHelpListsEveryCommandThoughALineBuildsOnlyTheOneItNames() {
        CcRunner.Result help = cc().run("--help");
        assertEquals(0, help.exit(), help.toString());
        for (String name : CcCommand.SUBCOMMANDS.keySet()) {
            assertTrue(help.out().contains("\n  " + name + " ") || help.out().contains("\n  " + name + "\n")
                    || help.out().contains("\n  " + name + ","), name + " missing from\n" + help.out());
        }
    }

    @Test
    void topLevelHelpIsWordForWordTheUsageOfTheWholeTree() {
        java.io.StringWriter whole = new java.io.StringWriter();
        java.io.PrintWriter discard = new java.io.PrintWriter(java.io.Writer.nullWriter());
        Cli.commandLine(cc().context(), discard, discard).usage(new java.io.PrintWriter(whole, true));

        assertEquals(whole.toString(), cc().run("--help").out());
        assertEquals(whole.toString(), cc().run("-h").out());
    }

    @Test
    void completionsOwnHelpIsItsUsageAndCompletionStillCoversEveryCommand() {
        CcRunner.Result help = cc().run("completion", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: cc completion [-hV]"), help.out());

        CcRunner.Result script = cc().run("completion");
        assertEquals(0, script.exit(), script.toString());
        for (String name : CcCommand.SUBCOMMANDS.keySet()) {
            assertTrue(script.out().contains(name), name + " missing from the completion script");
        }
        assertTrue(script.out().contains("--debug-quota"), "a subcommand's option is completed");
    }

    @Test
    void aMisspelledCommandStillGetsTheClosestNameSuggested() {
        CcRunner.Result r = cc().run("mdoel");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("did you mean model?"), r.toString());
    }

    @Test
    void aCommandsOwnUsageErrorIsReportedAsBefore() {
        CcRunner.Result r = cc().run("model", "--no-such-option");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("cc model: ") || r.err().contains("Unknown option"), r.toString());
    }
}
