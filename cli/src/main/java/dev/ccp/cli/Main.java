package dev.ccp.cli;

/** {@code bin/cc} and {@code bin/ccp}: runs one command against this machine's environment and exits with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int status = Cli.run(CliContext.system(), args);
        if (status == 0 && noOtherThreadKeepsTheJvmAlive()) {
            // Status 0 is what the JVM returns when main ends. System.exit would first look up a logger for
            // its exit record, and that look-up opens every jar of the Class-Path: a tenth of a command's time.
            return;
        }
        System.exit(status);
    }

    /** True when the JVM ends as soon as main returns: no live thread but this one keeps it running. */
    private static boolean noOtherThreadKeepsTheJvmAlive() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 8];
        int n = root.enumerate(threads, true);
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) {
                return false;
            }
        }
        return n < threads.length;
    }
}
