package dev.ccp.policy.license;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a license grants: a plan name, the features it switches on, who holds it and when it is
 * valid. Signed into a license file by {@link LicenseDocument}; see docs/LICENSING.md.
 */
public record License(String plan, List<String> features, String holder, Instant issuedAt, Instant expiresAt) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    public License {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!NAME.matcher(plan).matches()) {
            throw new IllegalArgumentException("plan '" + plan + "' must be lower-case letters, digits, '_', '-' or '.'");
        }
        features = List.copyOf(features == null ? List.of() : features);
        for (String f : features) {
            if (!NAME.matcher(f).matches()) {
                throw new IllegalArgumentException("feature '" + f + "' must be lower-case letters, digits, '_', '-' or '.'");
            }
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expires_at " + expiresAt + " is not after issued_at " + issuedAt);
        }
    }

    public boolean hasFeature(String feature) {
        return features.contains(feature);
    }
}
