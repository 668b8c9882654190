package dev.ccp.proxy;

/** Placeholder until the proxy lands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("ccp proxy: not built yet");
        System.exit(2);
    }
}
