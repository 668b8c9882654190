package dev.ccp.cli.support;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Turns every failure into one line on stderr, {@code cc <command>: <what went wrong>}, and exit
 * status 2 (or the status a {@link CommandFailure} carries). Stack traces only with {@code CCP_DEBUG=1}.
 */
public final class ErrorHandlers implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final boolean debug;

    public ErrorHandlers(boolean debug) {
        this.debug = debug;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        String line = name + ": " + oneLine(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                line += "; did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?";
            }
        }
        PrintWriter err = cl.getErr();
        err.println(line + " (see '" + name + " --help')");
        err.flush();
        return ExitCodes.USAGE_OR_IO;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        String name = cl.getCommandSpec().qualifiedName();
        PrintWriter err = cl.getErr();
        int status = ExitCodes.USAGE_OR_IO;
        if (ex instanceof CommandFailure f) {
            err.println(name + ": " + oneLine(f.getMessage()));
            status = f.exitCode();
        } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            Throwable io = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
            err.println(name + ": I/O error: " + describe(io) + (ex != io ? " (" + oneLine(ex.getMessage()) + ")" : ""));
        } else {
            err.println(name + ": unexpected error: " + describe(ex)
                    + (debug ? "" : " (run with CCP_DEBUG=1 for the stack trace)"));
        }
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return status;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        String type = t.getClass().getSimpleName();
        // NoSuchFileException and friends carry only the path as their message.
        return message == null ? type : (t instanceof java.nio.file.FileSystemException ? type + ": " : "")
                + oneLine(message);
    }

    static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
