package dev.ccp.policy.license;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The license in force: a verified license ({@code ok}) or community mode, where {@code plan} is
 * {@code community}, no feature is on and {@code reason} names the file and why it was not used.
 *
 * @param file  the license file looked at (null when none was named)
 * @param keyId id of the public key that verified the signature (null in community mode)
 */
public record LicenseStatus(boolean ok, String plan, List<String> features, String holder,
                            Instant expiresAt, String reason, Path file, String keyId) {
    public static final String COMMUNITY = "community";
    /** The feature that lets routes send work to Z.AI; without it such requests get {@code license_block}. */
    public static final String ZAI_OFFLOAD = "zai_offload";

    public LicenseStatus {
        features = List.copyOf(features);
    }

    public static LicenseStatus community(Path file, String reason) {
        return new LicenseStatus(false, COMMUNITY, List.of(), null, null, reason, file, null);
    }

    static LicenseStatus licensed(License license, Path file, String keyId) {
        return new LicenseStatus(true, license.plan(), license.features(), license.holder(), license.expiresAt(),
                null, file, keyId);
    }

    public boolean hasFeature(String feature) {
        return ok && features.contains(feature);
    }

    /** The proxy's start-up line: {@code [license] plan=<plan> features=[a, b]}, plus the reason in community mode. */
    public String logLine() {
        String line = "[license] plan=" + plan + " features=" + features;
        return ok ? line : line + " (community mode: " + reason + ")";
    }
}
