package dev.ccp.proxy.license;

import dev.ccp.events.CcpPaths;

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
     * The keys an operator's machine trusts: {@code license_public_keys} of {@code configs/providers.yaml},
     * of {@code ~/.config/ccp/providers.yaml} and of {@code CCP_PROVIDERS_FILE}, plus the operator's own
     * public key written by {@code cc license keygen}.
     */
    public static TrustedKeys forOperator(Map<String, String> env, CcpPaths paths) {
        Builder b = new Builder();
        List<Path> files = new ArrayList<>(List.of(paths.configsDir().resolve("providers.yaml"),
                paths.userConfigDir().resolve("providers.yaml")));
        String override = env.get("CCP_PROVIDERS_FILE");
        if (override != null && !override.isBlank()) {
            files.add(paths.home().resolve(override).normalize());
        }
        for (Path file : files) {
            try {
                for (String text : ProviderFileKeys.read(file)) {
                    b.add(text, file + " (license_public_keys)");
                }
            } catch (IOException e) {
                b.problems.add(e.getMessage());
            }
        }
        Path own = LicenseKeys.KeyFiles.in(paths.userConfigDir()).publicKey();
        if (Files.isRegularFile(own)) {
            try {
                b.add(LicenseKeys.readPublicKey(own), own.toString());
            } catch (IOException e) {
                b.problems.add(e.getMessage());
            }
        }
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

        TrustedKeys build() {
            return new TrustedKeys(keys, sources, problems);
        }

        private static String abbreviate(String s) {
            String t = s.strip();
            return t.length() <= 20 ? t : t.substring(0, 20) + "…";
        }
    }
}
