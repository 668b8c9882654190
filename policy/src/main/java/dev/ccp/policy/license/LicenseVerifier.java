package dev.ccp.policy.license;

import dev.ccp.policy.license.LicenseDocument.InvalidLicenseException;
import dev.ccp.policy.license.LicenseDocument.Parsed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * Decides which license is in force: a license file whose signature one of the trusted public keys
 * verifies and whose validity window contains now; otherwise community mode, with the reason.
 * Never throws for a bad file: a license problem must not stop the proxy.
 */
public final class LicenseVerifier {
    /** Tolerated clock difference between the issuer's machine and this one. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final TrustedKeys trusted;
    private final InstantSource clock;

    public LicenseVerifier(TrustedKeys trusted, InstantSource clock) {
        this.trusted = trusted;
        this.clock = clock;
    }

    public LicenseStatus verify(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return LicenseStatus.community(file, "no license file at " + file);
        } catch (MalformedInputException e) {
            return LicenseStatus.community(file, "the license file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            return LicenseStatus.community(file, "cannot read the license file " + file + ": " + e.getMessage());
        }
        return verify(text, file);
    }

    /** Verifies a license text; {@code file} only names it in the reason. */
    public LicenseStatus verify(String text, Path file) {
        String name = "the license file " + file;
        try {
            Parsed parsed = LicenseDocument.parse(text);
            if (trusted.keys().isEmpty()) {
                return LicenseStatus.community(file, name + " cannot be checked: no trusted license public key is"
                        + " configured (license_public_keys in providers.yaml)");
            }
            String keyId = signer(parsed);
            if (keyId == null) {
                return LicenseStatus.community(file, trusted.keys().containsKey(parsed.keyId())
                        ? name + " does not match its signature (it was altered after signing)"
                        : name + " is signed by key " + (parsed.keyId().isBlank() ? "(no key_id)" : parsed.keyId())
                                + ", which is not a trusted license key");
            }
            License license = LicenseDocument.fields(parsed.license());
            Instant now = clock.instant();
            if (!now.isBefore(license.expiresAt())) {
                return LicenseStatus.community(file, name + " expired at " + license.expiresAt());
            }
            if (now.plus(CLOCK_SKEW).isBefore(license.issuedAt())) {
                return LicenseStatus.community(file, name + " is not valid before " + license.issuedAt());
            }
            return LicenseStatus.licensed(license, file, keyId);
        } catch (InvalidLicenseException e) {
            return LicenseStatus.community(file, name + " " + e.getMessage());
        }
    }

    /** The id of the trusted key that verifies the signature, trying the one named by key_id first. */
    private String signer(Parsed parsed) {
        PublicKey named = trusted.keys().get(parsed.keyId());
        if (named != null && LicenseDocument.verifies(parsed, named)) {
            return parsed.keyId();
        }
        for (Map.Entry<String, PublicKey> e : trusted.keys().entrySet()) {
            if (!e.getKey().equals(parsed.keyId()) && LicenseDocument.verifies(parsed, e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }
}
