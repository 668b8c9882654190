package dev.ccp.cli.support;

import picocli.CommandLine.Option;

/** The {@code --json} switch of every reporting command ({@code @Mixin JsonOption json;}). */
public final class JsonOption {
    @Option(names = "--json", description = "Print one JSON document instead of text.")
    boolean json;

    public boolean on() {
        return json;
    }
}
