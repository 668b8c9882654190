package dev.ccp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliConventionsTest {
    /** Commands that report something: each must take --json. */
    private static final Set<String> REPORTING = Set.of("cc env", "cc model", "cc partials", "cc partials clean",
            "cc db import", "cc license status", "cc license keygen", "cc providers", "cc pause", "cc resume",
            "cc status", "cc quotas reload",
            "cc summarize", "cc verify-routing", "cc usage", "cc replay", "cc db status", "cc db export", "cc agg",
            "cc bundle", "cc on", "cc off", "cc samples");

    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
    }

    private List<CommandLine> allCommands() {
        CommandLine top = Cli.commandLine(cc().context(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<CommandLine> all = new ArrayList<>();
        collect(top, all);
        return all;
    }

    private static void collect(CommandLine cl, List<CommandLine> all) {
        all.add(cl);
        cl.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    @Test
    void everyCommandAnswersHelpWithItsUsageAndExitZero() {
        List<CommandLine> all = allCommands();
        assertTrue(all.size() >= 11, "commands: " + all.size());
        for (CommandLine cl : all) {
            String qualified = cl.getCommandSpec().qualifiedName();
            List<String> args = new ArrayList<>(List.of(qualified.split(" ")).subList(1, qualified.split(" ").length));
            args.add("--help");
            CcRunner.Result r = cc().run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), qualified + ": " + r);
            assertTrue(r.out().startsWith("Usage: " + qualified), qualified + ": " + r);
            assertEquals("", r.err(), qualified);
        }
    }

    @Test
    void everyCommandListedInHelpHasAWholeFirstSentence() {
        // The command list of 'cc --help' shows only the first description line: it must not stop mid-sentence.
        for (CommandLine cl : allCommands()) {
            String[] description = cl.getCommandSpec().usageMessage().description();
            if (description.length == 0) {
                continue;
            }
            String first = description[0].strip();
            assertTrue(first.endsWith(".") || first.endsWith(")") && first.contains("."),
                    cl.getCommandSpec().qualifiedName() + ": '" + first + "'");
        }
    }

    @Test
    void everyHelpTextIsAValidFormatString() {
        // picocli formats help text with String.format: a lone % prints a warning and a raw line.
        for (CommandLine cl : allCommands()) {
            List<String> lines = new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().description()));
            cl.getCommandSpec().options().forEach(o -> lines.addAll(List.of(o.description())));
            for (String line : lines) {
                org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> String.format(line),
                        cl.getCommandSpec().qualifiedName() + ": " + line);
            }
        }
    }

    @Test
    void everyReportingCommandTakesJson() {
        List<String> withJson = allCommands().stream()
                .filter(cl -> cl.getCommandSpec().findOption("--json") != null)
                .map(cl -> cl.getCommandSpec().qualifiedName())
                .toList();
        assertTrue(withJson.containsAll(REPORTING), "commands with --json: " + withJson);
    }

    @Test
    void badOptionIsOneLineOnStderrAndExitTwo() {
        CcRunner.Result r = cc().run("model", "--bogus");

        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(List.of("cc model: Unknown option: '--bogus' (see 'cc model --help')"), r.errLines());
    }

    @Test
    void misspelledCommandSuggestsTheRightOne() {
        CcRunner.Result r = cc().run("licnese", "status");

        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("did you mean license"), r.err());
    }

    @Test
    void groupWithoutSubcommandNamesTheChoices() {
        CcRunner.Result top = cc().run();
        assertEquals(2, top.exit());
        assertEquals(1, top.errLines().size(), top.err());
        assertTrue(top.err().startsWith("cc: missing command; one of: env, model, providers, pause, resume, partials, db, license, status, quotas, completion, "), top.err());
        assertTrue(top.err().contains(", summarize, verify-routing, usage, replay, agg, bundle, on, off"), top.err());

        CcRunner.Result db = cc().run("db");
        assertEquals(2, db.exit());
        assertEquals(List.of("cc db: missing command; one of: status, export, import (see 'cc db --help')"), db.errLines());
    }

    @Test
    void ioErrorIsOneLineWithoutStackTrace() throws Exception {
        CcRunner runner = cc();
        Files.createDirectories(runner.paths().logDir());
        Files.writeString(runner.paths().partialsDir(), "a file where the folder should be");

        CcRunner.Result r = runner.run("partials");

        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().startsWith("cc partials: I/O error: NotDirectoryException: " + runner.paths().partialsDir()), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void debugVariableAddsTheStackTrace() throws Exception {
        CcRunner runner = cc().env("CCP_DEBUG", "1");
        Files.createDirectories(runner.paths().logDir());
        Files.writeString(runner.paths().partialsDir(), "x");

        CcRunner.Result r = runner.run("partials");

        assertEquals(2, r.exit());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void versionIsPrinted() {
        CcRunner.Result r = cc().run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("ccp "), r.out());
    }

    @Test
    void completionScriptCompletesBothNamesInBash() throws Exception {
        CcRunner.Result r = cc().run("completion");
        assertEquals(0, r.exit(), r.toString());
        Path script = root.resolve("cc-completion.bash");
        Files.writeString(script, r.out());

        Process bash = new ProcessBuilder("bash", "-c",
                "source " + script + " && complete -p cc && complete -p ccp"
                        + " && COMP_WORDS=(cc lic) COMP_CWORD=1 COMP_LINE='cc lic' COMP_POINT=6 && _complete_cc"
                        + " && echo \"${COMPREPLY[*]}\"")
                .redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes());
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), output);
        assertTrue(output.contains("-F _complete_cc") && output.contains(" ccp"), output);
        assertTrue(output.strip().endsWith("license"), output);
    }
}
