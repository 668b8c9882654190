package dev.ccp.testkit;

import dev.ccp.policy.license.License;
import dev.ccp.policy.license.LicenseDocument;
import dev.ccp.policy.license.LicenseKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A user config folder for tests ({@code XDG_CONFIG_HOME}), so no test reads the developer's own
 * ~/.config/ccp; optionally with a license granting {@code zai_offload}, signed by an operator key
 * written there as {@code license-signing.pub} (which the proxy trusts).
 */
public final class TestLicenses {
    private TestLicenses() {
    }

    /** An empty user config folder under {@code dir}: community mode. */
    public static Map<String, String> unlicensed(Path dir) {
        Path xdg = dir.resolve("xdg");
        try {
            Files.createDirectories(xdg.resolve("ccp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("XDG_CONFIG_HOME", xdg.toString());
    }

    /**
     * A user config folder under {@code dir} holding a pro license with zai_offload, valid ten years
     * either side of today so tests on a fixed clock are licensed too.
     */
    public static Map<String, String> licensed(Path dir) {
        Map<String, String> env = unlicensed(dir);
        Path ccp = Path.of(env.get("XDG_CONFIG_HOME")).resolve("ccp");
        KeyPair pair = LicenseKeys.generate();
        Instant now = Instant.now();
        try {
            LicenseKeys.write(LicenseKeys.KeyFiles.in(ccp), pair, true);
            Files.writeString(ccp.resolve("license.json"), LicenseDocument.sign(new License("pro", List.of("zai_offload"), "tests",
                    now.minus(Duration.ofDays(3650)), now.plus(Duration.ofDays(3650))), pair.getPrivate(), pair.getPublic()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }
}
