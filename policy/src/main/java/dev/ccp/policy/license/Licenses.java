package dev.ccp.policy.license;

import dev.ccp.events.CcpPaths;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

/** Where the license lives and which one is in force on this machine. */
public final class Licenses {
    private Licenses() {
    }

    /** {@code CCP_LICENSE_FILE} (relative to the project root) or {@code ~/.config/ccp/license.json}. */
    public static Path licenseFile(Map<String, String> env, CcpPaths paths) {
        String override = env.get("CCP_LICENSE_FILE");
        return override != null && !override.isBlank()
                ? paths.home().resolve(override).normalize()
                : paths.userConfigDir().resolve("license.json");
    }

    /** The license in force, checked against {@link TrustedKeys#forOperator} at the clock's now. */
    public static LicenseStatus current(Map<String, String> env, CcpPaths paths, InstantSource clock) {
        return new LicenseVerifier(TrustedKeys.forOperator(env, paths), clock).verify(licenseFile(env, paths));
    }
}
