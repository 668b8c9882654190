package dev.ccp.cli;

import dev.ccp.cli.support.ContextFactory;
import dev.ccp.cli.support.ErrorHandlers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Builds the {@code cc} command line. {@link Main} runs it against the real machine; tests run it
 * in-process with their own {@link CliContext} and writers and read the exit status it returns.
 */
public final class Cli {
    private Cli() {
    }

    /** Runs one command line on stdout/stderr and returns its exit status (see {@link dev.ccp.cli.support.ExitCodes}). */
    public static int run(CliContext ctx, String... args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        return run(ctx, out, err, args);
    }

    public static int run(CliContext ctx, PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(ctx, out, err, args).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The whole command tree, its exception handlers and writers wired; commands get {@code ctx} through the factory. */
    public static CommandLine commandLine(CliContext ctx, PrintWriter out, PrintWriter err) {
        return commandLine(ctx, out, err, new String[0]);
    }

    /**
     * The tree {@code args} needs: only the subcommand they name when they start with one (the other
     * commands would be parsed for nothing), none for {@code --version}, else the whole tree ({@code cc --help}, {@code cc completion},
     * a misspelled name that needs every name for its suggestion).
     */
    static CommandLine commandLine(CliContext ctx, PrintWriter out, PrintWriter err, String[] args) {
        ContextFactory factory = new ContextFactory(ctx);
        CommandLine cl = new CommandLine(CcCommand.class, factory);
        String first = args.length == 0 ? null : args[0];
        // cc completion prints the whole tree; its --help only its own usage.
        boolean wholeTreeForCompletion = "completion".equals(first) && !(args.length == 2 && isHelpOption(args[1]));
        Class<?> named = first == null || wholeTreeForCompletion ? null : CcCommand.SUBCOMMANDS.get(first);
        if (named != null) {
            cl.addSubcommand(first, new CommandLine(named, factory));
        } else if (args.length == 1 && (first.equals("--version") || first.equals("-V"))) {
            // The version alone needs no command.
        } else if (args.length == 1 && isHelpOption(first)) {
            // The list of commands shows each one's name and first line of description: its options,
            // mixins and their types, which picocli reads by reflection, are not needed for that.
            CcCommand.SUBCOMMANDS.forEach((name, type) -> cl.addSubcommand(name, listed(name, type)));
        } else {
            CcCommand.SUBCOMMANDS.forEach((name, type) -> cl.addSubcommand(name, new CommandLine(type, factory)));
        }
        // Set after the subcommands are added: picocli passes these settings down only to those present.
        ErrorHandlers handlers = new ErrorHandlers(ctx.debug());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(handlers);
        cl.setParameterExceptionHandler(handlers);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    private static boolean isHelpOption(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }

    /** A command as {@code cc --help} lists it: its name and the description of its {@code @Command}, nothing else. */
    static CommandSpec listed(String name, Class<?> type) {
        CommandSpec spec = CommandSpec.create().name(name);
        spec.usageMessage().description(type.getAnnotation(Command.class).description());
        return spec;
    }
}
