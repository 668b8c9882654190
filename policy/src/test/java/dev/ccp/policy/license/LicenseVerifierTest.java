package dev.ccp.policy.license;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LicenseVerifierTest {
    private static final Instant ISSUED = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(30));
    private static final InstantSource DURING = InstantSource.fixed(ISSUED.plus(Duration.ofDays(1)));
    private static final KeyPair ISSUER = LicenseKeys.generate();

    @TempDir
    Path dir;

    private Path writeLicense(KeyPair signer, List<String> features) throws Exception {
        License license = new License("pro", features, "Jane Operator", ISSUED, EXPIRES);
        Path file = dir.resolve("license.json");
        Files.writeString(file, LicenseDocument.sign(license, signer.getPrivate(), signer.getPublic()));
        return file;
    }

    private static LicenseVerifier trusting(KeyPair pair, InstantSource clock) {
        return new LicenseVerifier(TrustedKeys.of(pair.getPublic()), clock);
    }

    @Test
    void licenseSignedByATrustedKeyIsInForceWithItsPlanAndFeatures() throws Exception {
        Path file = writeLicense(ISSUER, List.of("zai_offload", "quotas"));

        LicenseStatus status = trusting(ISSUER, DURING).verify(file);

        assertTrue(status.ok(), status.reason());
        assertEquals("pro", status.plan());
        assertEquals(List.of("zai_offload", "quotas"), status.features());
        assertEquals("Jane Operator", status.holder());
        assertEquals(EXPIRES, status.expiresAt());
        assertEquals(LicenseKeys.keyId(ISSUER.getPublic()), status.keyId());
        assertTrue(status.hasFeature(LicenseStatus.ZAI_OFFLOAD));
        assertNull(status.reason());
        assertEquals("[license] plan=pro features=[zai_offload, quotas]", status.logLine());
    }

    @Test
    void licenseSignedByAnUnknownKeyGivesCommunityModeNamingTheKey() throws Exception {
        KeyPair stranger = LicenseKeys.generate();
        Path file = writeLicense(stranger, List.of("zai_offload"));

        LicenseStatus status = trusting(ISSUER, DURING).verify(file);

        assertCommunity(status);
        assertTrue(status.reason().contains(file.toString()), status.reason());
        assertTrue(status.reason().contains("signed by key " + LicenseKeys.keyId(stranger.getPublic())
                + ", which is not a trusted license key"), status.reason());
    }

    @Test
    void expiredLicenseGivesCommunityModeWithTheExpiry() throws Exception {
        Path file = writeLicense(ISSUER, List.of("zai_offload"));

        LicenseStatus atExpiry = trusting(ISSUER, InstantSource.fixed(EXPIRES)).verify(file);

        assertCommunity(atExpiry);
        assertTrue(atExpiry.reason().contains(file + " expired at " + EXPIRES), atExpiry.reason());
        assertTrue(trusting(ISSUER, InstantSource.fixed(EXPIRES.minusSeconds(1))).verify(file).ok(),
                "a second before expiry it is still in force");
    }

    @Test
    void tamperedLicenseGivesCommunityMode() throws Exception {
        Path file = writeLicense(ISSUER, List.of("quotas"));
        String original = Files.readString(file);
        Files.writeString(file, original.replace("\"quotas\"", "\"quotas\", \"zai_offload\""));

        LicenseStatus status = trusting(ISSUER, DURING).verify(file);

        assertCommunity(status);
        assertTrue(status.reason().contains(file + " does not match its signature"), status.reason());
        Files.writeString(file, original.replace("2026-12-01", "2036-12-01"));
        assertCommunity(trusting(ISSUER, DURING).verify(file));
    }

    @Test
    void reformattingTheFileKeepsItValid() throws Exception {
        Path file = writeLicense(ISSUER, List.of("zai_offload"));
        String compact = Files.readString(file).replaceAll("\\s*\n\\s*", "").replace("\"holder\"", " \"holder\"");
        Files.writeString(file, compact);

        assertTrue(trusting(ISSUER, DURING).verify(file).ok());
    }

    @Test
    void licenseNotYetValidGivesCommunityMode() throws Exception {
        Path file = writeLicense(ISSUER, List.of());

        LicenseStatus status = trusting(ISSUER, InstantSource.fixed(ISSUED.minus(Duration.ofDays(1)))).verify(file);

        assertCommunity(status);
        assertTrue(status.reason().contains("not valid before " + ISSUED), status.reason());
    }

    @Test
    void missingOrBrokenFilesGiveCommunityModeNamingTheFile() throws Exception {
        Path missing = dir.resolve("nowhere.json");
        LicenseStatus none = trusting(ISSUER, DURING).verify(missing);
        assertCommunity(none);
        assertEquals("no license file at " + missing, none.reason());
        assertEquals("[license] plan=community features=[] (community mode: no license file at " + missing + ")",
                none.logLine());

        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\n\"license\": ");
        LicenseStatus broken = trusting(ISSUER, DURING).verify(garbage);
        assertCommunity(broken);
        assertTrue(broken.reason().startsWith("the license file " + garbage + " is not JSON"), broken.reason());

        Files.writeString(garbage, "{\"license\":{\"plan\":\"pro\"}}");
        assertTrue(trusting(ISSUER, DURING).verify(garbage).reason().endsWith("has no \"signature\""));
    }

    @Test
    void withoutTrustedKeysALicenseCannotBeChecked() throws Exception {
        Path file = writeLicense(ISSUER, List.of("zai_offload"));

        LicenseStatus status = new LicenseVerifier(TrustedKeys.of(), DURING).verify(file);

        assertCommunity(status);
        assertTrue(status.reason().contains("no trusted license public key"), status.reason());
    }

    @Test
    void keyIdIsOnlyAHintAnyTrustedKeyThatVerifiesCounts() throws Exception {
        Path file = writeLicense(ISSUER, List.of("zai_offload"));
        String id = LicenseKeys.keyId(ISSUER.getPublic());
        Files.writeString(file, Files.readString(file).replace(id, "0000000000000000"));

        KeyPair other = LicenseKeys.generate();
        LicenseStatus status = new LicenseVerifier(TrustedKeys.of(other.getPublic(), ISSUER.getPublic()), DURING)
                .verify(file);

        assertTrue(status.ok(), status.reason());
        assertEquals(id, status.keyId());
    }

    private static void assertCommunity(LicenseStatus status) {
        assertFalse(status.ok());
        assertEquals("community", status.plan());
        assertEquals(List.of(), status.features());
        assertFalse(status.hasFeature(LicenseStatus.ZAI_OFFLOAD));
        assertTrue(status.reason() != null && !status.reason().isBlank());
    }
}
