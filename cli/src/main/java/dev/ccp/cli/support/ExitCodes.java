package dev.ccp.cli.support;

/** The exit statuses every command keeps. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command ran and its check failed (for example community mode for {@code cc license status}). */
    public static final int CHECK_FAILED = 1;
    /** Bad usage or an I/O error: one line on stderr says which. */
    public static final int USAGE_OR_IO = 2;

    private ExitCodes() {
    }
}
