package dev.ccp.cli;

/** Placeholder until the cli lands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("ccp cli: not built yet");
        System.exit(2);
    }
}
