package dev.ccp.projector;

import picocli.CommandLine;

/** {@code bin/ccp-projector}: builds every projection from the event log. See {@link ProjectorCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(ProjectorCommand.execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new ProjectorCommand());
    }
}
