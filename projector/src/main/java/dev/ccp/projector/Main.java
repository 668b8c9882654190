package dev.ccp.projector;

/** Placeholder until the projector lands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("ccp projector: not built yet");
        System.exit(2);
    }
}
