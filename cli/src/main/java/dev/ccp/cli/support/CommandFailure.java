package dev.ccp.cli.support;

/**
 * A command stops with one line for the user and an exit status; {@link ErrorHandlers} prints it as
 * {@code cc <command>: <message>}. No stack trace: the message must say what to do.
 */
public final class CommandFailure extends RuntimeException {
    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Bad input or an I/O problem: exit status 2. */
    public static CommandFailure of(String message) {
        return new CommandFailure(ExitCodes.USAGE_OR_IO, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
