package dev.ccp.cli.ca;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.policy.ca.CaCertificate;
import dev.ccp.policy.ca.InterceptedHosts;
import dev.ccp.policy.ca.LocalCa;
import dev.ccp.policy.catalog.CatalogFiles;
import dev.ccp.policy.catalog.MergedCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@code cc ca [--rotate]}: the interception CA's certificate file and fingerprint; made on first use. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = {"Show the local CA of interception mode (HTTPS_PROXY) and its fingerprint.",
                "Prints its certificate file, for NODE_EXTRA_CA_CERTS, and its SHA-256 fingerprint. Made on first use under ~/.config/ccp/ca/",
                "(the key readable by you only); it may sign only for the intercepted hosts (a critical",
                "Name Constraints extension). --rotate makes a new one: restart the clients that trust it."})
public final class CaCommand extends CcSubcommand {
    @Option(names = "--rotate", description = "Replace the CA with a new key and certificate.")
    boolean rotate;

    @Mixin
    JsonOption json;

    public CaCommand(CliContext ctx) {
        super(ctx);
    }

    /** Where the CA lives: {@code ca/} in the user's ccp config folder (what the proxy uses). */
    public static Path dir(CliContext ctx) {
        return ctx.paths().userConfigDir().resolve("ca");
    }

    /** The hosts the proxy would intercept now: CCP_MITM_HOSTS (or its default) and the catalog's provider hosts. */
    public static Set<String> hosts(CliContext ctx) {
        List<String> urls;
        try {
            urls = MergedCatalog.load(CatalogFiles.of(ctx.paths(), ctx.env(), null), ctx.env()).catalog()
                    .providers().values().stream().map(p -> p.baseUrl().toString()).toList();
        } catch (RuntimeException e) {
            // A broken catalog is reported by cc providers and the proxy; the variable's hosts still count.
            urls = List.of();
        }
        try {
            return InterceptedHosts.of(ctx.env(), urls);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.of(e.getMessage());
        }
    }

    /** The CA a command reports on, and what was done to have it: created, replaced, rotated or existing. */
    public record Ensured(CaCertificate ca, String state) {
    }

    /**
     * The CA, made when absent (or widened when the hosts grew, or renewed near its end). One already
     * in force is read with the JDK alone ({@link CaCertificate}); {@link LocalCa} and BouncyCastle,
     * whose signed jars cost a start half a second, only when the CA has to be made.
     */
    public static Ensured ensure(CliContext ctx) {
        Set<String> hosts = hosts(ctx);
        Optional<CaCertificate> current = CaCertificate.current(dir(ctx), hosts, ctx.clock());
        if (current.isPresent()) {
            return new Ensured(current.get(), "existing");
        }
        try {
            LocalCa.Loaded loaded = LocalCa.loadOrCreate(dir(ctx), hosts, ctx.clock());
            return new Ensured(certificate(loaded.ca()), switch (loaded.how()) {
                case CREATED -> "created";
                case REPLACED -> "replaced";
                case LOADED -> "existing";
            });
        } catch (UncheckedIOException | IllegalStateException e) {
            throw CommandFailure.of("cannot use the CA under " + dir(ctx) + ": " + e.getMessage());
        }
    }

    private static CaCertificate certificate(LocalCa ca) {
        return CaCertificate.of(ca.certificateFile(), ca.certificate(), ca.permittedHosts());
    }

    @Override
    protected int run() {
        CaCertificate ca;
        String what;
        if (rotate) {
            LocalCa old = null;
            try {
                old = LocalCa.load(dir(ctx), ctx.clock());
            } catch (RuntimeException absent) {
                // Nothing to rotate: the new one is the first.
            }
            Set<String> hosts = new TreeSet<>(hosts(ctx));
            if (old != null) {
                hosts.addAll(old.permittedHosts());
            }
            try {
                ca = certificate(LocalCa.create(dir(ctx), hosts, ctx.clock()));
            } catch (UncheckedIOException | IllegalStateException e) {
                throw CommandFailure.of("cannot make a new CA under " + dir(ctx) + ": " + e.getMessage());
            }
            what = old == null ? "created" : "rotated";
        } else {
            Ensured ensured = ensure(ctx);
            ca = ensured.ca();
            what = ensured.state();
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("certificate", ca.file().toString());
            doc.put("sha256", ca.fingerprint());
            doc.put("permits", new TreeSet<>(ca.permittedHosts()));
            doc.put("not_after", ca.notAfter().toString());
            doc.put("state", what);
            Json.print(out(), doc);
            return 0;
        }
        out().println("certificate  " + ca.file());
        out().println("sha256       " + ca.fingerprint());
        out().println("permits      " + String.join(", ", new TreeSet<>(ca.permittedHosts()))
                + " (and their subdomains; no IP address)");
        out().println("valid until  " + ca.notAfter());
        switch (what) {
            case "created" -> out().println("made now; trust it with NODE_EXTRA_CA_CERTS=" + ca.file()
                    + " (eval \"$(bin/cc env --mitm)\")");
            case "rotated", "replaced" -> out().println("a new CA: restart the clients started before (Node reads"
                    + " NODE_EXTRA_CA_CERTS at start); a running proxy uses it for new connections");
            default -> {
            }
        }
        return 0;
    }
}
