package dev.ccp.policy.license;

import dev.ccp.events.CcpPaths;
import dev.ccp.policy.catalog.CatalogException;
import dev.ccp.policy.catalog.CatalogFiles;
import dev.ccp.policy.catalog.MergedCatalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public keys a license may be signed with, by key id, and where each came from. Problems met
 * while collecting them (a broken providers.yaml, a key that is not a key) are kept to be shown,
 * never thrown: the other keys still count.
 */
public record TrustedKeys(Map<String, PublicKey> keys, Map<String, String> sources, List<String> problems) {

    public TrustedKeys {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        problems = List.copyOf(problems);
    }

    public static TrustedKeys of(PublicKey... keys) {
        Builder b = new Builder();
        for (PublicKey k : keys) {
            b.add(k, "given");
        }
        return b.build();
    }

    /**
     * The keys an operator's machine trusts: the merged catalog's {@code license_public_keys}
     * (configs/providers.yaml, ~/.config/ccp/providers.yaml, the CCP_PROVIDERS_FILE file) plus the
     * operator's own public key written by {@code cc license keygen}. When the merged catalog is
     * broken, the keys of each file that can still be read count and the problem is kept.
     */
    public static TrustedKeys forOperator(Map<String, String> env, CcpPaths paths) {
        CatalogFiles files = CatalogFiles.of(paths, env, null);
        try {
            return forCatalog(MergedCatalog.load(files, env), paths);
        } catch (CatalogException e) {
            Builder b = new Builder();
            b.problems.add(e.getMessage());
            List<String> problems = new ArrayList<>();
            MergedCatalog.licenseKeysLeniently(files, problems).forEach((k, where) -> b.add(k, where + " (license_public_keys)"));
            problems.stream().filter(p -> !b.problems.contains(p)).forEach(b.problems::add);
            b.addOwn(paths);
            return b.build();
        }
    }

    /** The catalog's {@code license_public_keys} (each named by the file and line it came from) plus the operator's own key. */
    public static TrustedKeys forCatalog(MergedCatalog catalog, CcpPaths paths) {
        Builder b = new Builder();
        List<String> keys = catalog.catalog().licensePublicKeys();
        for (int i = 0; i < keys.size(); i++) {
            b.add(keys.get(i), catalog.where("license_public_keys[" + i + "]") + " (license_public_keys)");
        }
        b.addOwn(paths);
        return b.build();
    }

    static final class Builder {
        private final Map<String, PublicKey> keys = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        void add(String base64, String source) {
            try {
                add(LicenseKeys.parsePublicKey(base64), source);
            } catch (IllegalArgumentException e) {
                problems.add(source + ": '" + abbreviate(base64) + "' is " + e.getMessage());
            }
        }

        void add(PublicKey key, String source) {
            String id = LicenseKeys.keyId(key);
            if (keys.putIfAbsent(id, key) == null) {
                sources.put(id, source);
            }
        }

        void addOwn(CcpPaths paths) {
            Path own = LicenseKeys.KeyFiles.in(paths.userConfigDir()).publicKey();
            if (Files.isRegularFile(own)) {
                try {
                    add(LicenseKeys.readPublicKey(own), own.toString());
                } catch (IOException e) {
                    problems.add(e.getMessage());
                }
            }
        }

        TrustedKeys build() {
            return new TrustedKeys(keys, sources, problems);
        }

        private static String abbreviate(String s) {
            String t = s.strip();
            return t.length() <= 20 ? t : t.substring(0, 20) + "…";
        }
    }
}
