package dev.ccp.cli.bundle;

import dev.ccp.cli.CliContext;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.CatalogLoader;
import dev.ccp.policy.catalog.Provider;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks for anything key-shaped in a folder before it is shared: the value of every configured key
 * variable, Anthropic {@code sk-ant-} keys, {@code Bearer} values and PEM private keys. A finding names the file, the line
 * and the kind, never the value.
 */
public final class KeyScan {
    /** Variables that hold keys whatever the catalog says. */
    static final List<String> KNOWN_KEY_VARIABLES = List.of("ZAI_API_KEY", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN");
    /** Values shorter than this are not searched: they would match everywhere and no real key is that short. */
    static final int MIN_VALUE_LENGTH = 8;
    private static final Pattern ANTHROPIC_KEY = Pattern.compile("sk-ant-[A-Za-z0-9_\\-]{8,}");
    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/\\-]{16,}=*");
    /** A PEM private key (the interception CA's, a license signing key) in any of its usual headers. */
    private static final Pattern PEM_PRIVATE_KEY = Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----");

    /** One key-shaped finding: the file (relative to the scanned folder), its line, what it looks like. */
    public record Finding(String file, long line, String kind) {
    }

    private final Map<String, String> values;

    private KeyScan(Map<String, String> values) {
        this.values = values;
    }

    /** The variables to look for: the known ones, every {@code auth_env} of the catalogs, and any *_API_KEY / *_AUTH_TOKEN. */
    public static KeyScan forContext(CliContext ctx) {
        Set<String> names = new LinkedHashSet<>(KNOWN_KEY_VARIABLES);
        for (Catalog c : catalogs(ctx)) {
            for (Provider p : c.providers().values()) {
                if (p.authEnv() != null) {
                    names.add(p.authEnv());
                }
            }
        }
        ctx.env().keySet().stream().filter(n -> n.endsWith("_API_KEY") || n.endsWith("_AUTH_TOKEN")).sorted().forEach(names::add);
        Map<String, String> values = new LinkedHashMap<>();
        for (String n : names) {
            String v = ctx.var(n);
            if (v != null && v.strip().length() >= MIN_VALUE_LENGTH) {
                values.put(n, v.strip());
            }
        }
        return new KeyScan(values);
    }

    /** The catalogs that may name key variables: built-in, CCP_PROVIDERS_FILE or configs/providers.yaml, and the per-user file. */
    private static List<Catalog> catalogs(CliContext ctx) {
        List<Catalog> out = new ArrayList<>();
        out.add(Catalog.builtIn());
        String override = ctx.var("CCP_PROVIDERS_FILE");
        List<Path> files = new ArrayList<>();
        files.add(override != null ? ctx.paths().home().resolve(override) : ctx.paths().configsDir().resolve("providers.yaml"));
        files.add(ctx.paths().userConfigDir().resolve("providers.yaml"));
        for (Path f : files) {
            if (Files.isRegularFile(f)) {
                try {
                    out.add(CatalogLoader.load(f));
                } catch (RuntimeException ignored) {
                    // A broken catalog names no usable variable; the patterns still apply.
                }
            }
        }
        return out;
    }

    /** The variable names whose values are searched (never the values). */
    public Set<String> variables() {
        return values.keySet();
    }

    /** Every finding under {@code dir}, files in path order, at most one per line. */
    public List<Finding> scan(Path dir) throws IOException {
        List<Finding> findings = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString();
            // ISO-8859-1 maps every byte to one char: binary files are scanned too, nothing fails to decode;
            // line by line, so a large usage.jsonl is never held in memory whole.
            try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
                long line = 0;
                String text;
                while ((text = in.readLine()) != null) {
                    line++;
                    String kind = kind(text);
                    if (kind != null) {
                        findings.add(new Finding(rel, line, kind));
                    }
                }
            }
        }
        return findings;
    }

    private String kind(String line) {
        for (Map.Entry<String, String> v : values.entrySet()) {
            if (line.contains(v.getValue())) {
                return "the value of " + v.getKey();
            }
        }
        Matcher m = ANTHROPIC_KEY.matcher(line);
        if (m.find()) {
            return "an sk-ant- key";
        }
        if (BEARER.matcher(line).find()) {
            return "a Bearer value";
        }
        if (PEM_PRIVATE_KEY.matcher(line).find()) {
            return "a private key";
        }
        return null;
    }
}
