package dev.ccp.cli.support;

import dev.ccp.cli.CliContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Base of every command: the injected {@link CliContext}, the command line's writers, and
 * {@link #run()} returning an exit status. Throw {@link CommandFailure} for a one-line error.
 * <p>
 * No command is a method: {@code addMethodSubcommands = false} (inherited by every command) spares picocli
 * reading the annotations of every public method of each command class, at every start.
 */
@Command(addMethodSubcommands = false)
public abstract class CcSubcommand implements Callable<Integer> {
    protected final CliContext ctx;

    @Spec
    protected CommandSpec spec;

    protected CcSubcommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    /** Does the command's work and returns its exit status ({@link ExitCodes}). */
    protected abstract int run() throws Exception;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
