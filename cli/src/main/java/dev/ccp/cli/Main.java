package dev.ccp.cli;

/** {@code bin/cc} and {@code bin/ccp}: runs one command against this machine's environment and exits with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(CliContext.system(), args));
    }
}
