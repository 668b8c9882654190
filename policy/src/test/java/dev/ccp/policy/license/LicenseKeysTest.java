package dev.ccp.policy.license;

import dev.ccp.events.CcpPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LicenseKeysTest {
    @TempDir
    Path dir;

    @Test
    void privateKeyFileIsOwnerOnlyAndBothFilesReadBack() throws Exception {
        LicenseKeys.KeyFiles files = LicenseKeys.KeyFiles.in(dir.resolve("cfg"));
        KeyPair pair = LicenseKeys.generate();

        LicenseKeys.write(files, pair, false);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKey())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cfg"))));
        assertTrue(Files.readString(files.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertArrayEquals(pair.getPrivate().getEncoded(), LicenseKeys.readPrivateKey(files.privateKey()).getEncoded());
        assertEquals(pair.getPublic(), LicenseKeys.readPublicKey(files.publicKey()));
        assertEquals(LicenseKeys.publicKeyBase64(pair.getPublic()) + "\n", Files.readString(files.publicKey()));
    }

    @Test
    void existingKeyIsNotOverwrittenUnlessAsked() throws Exception {
        LicenseKeys.KeyFiles files = LicenseKeys.KeyFiles.in(dir);
        KeyPair first = LicenseKeys.generate();
        LicenseKeys.write(files, first, false);

        assertThrows(FileAlreadyExistsException.class, () -> LicenseKeys.write(files, LicenseKeys.generate(), false));
        assertEquals(first.getPublic(), LicenseKeys.readPublicKey(files.publicKey()));

        KeyPair second = LicenseKeys.generate();
        LicenseKeys.write(files, second, true);
        assertEquals(second.getPublic(), LicenseKeys.readPublicKey(files.publicKey()));
    }

    @Test
    void bareThirtyTwoByteKeysAreAcceptedAndJunkIsNamed() {
        KeyPair pair = LicenseKeys.generate();
        byte[] der = pair.getPublic().getEncoded();
        byte[] raw = java.util.Arrays.copyOfRange(der, der.length - 32, der.length);

        assertEquals(pair.getPublic(), LicenseKeys.parsePublicKey(Base64.getEncoder().encodeToString(raw)));
        assertTrue(LicenseKeys.publicKeyBase64(pair.getPublic()).startsWith("MCowBQYDK2VwAyEA"));
        assertEquals("not base64", assertThrows(IllegalArgumentException.class,
                () -> LicenseKeys.parsePublicKey("%%%")).getMessage());
        assertEquals("not an Ed25519 public key", assertThrows(IllegalArgumentException.class,
                () -> LicenseKeys.parsePublicKey("aGVsbG8=")).getMessage());
    }

    @Test
    void operatorTrustsKeysFromBothProviderFilesAndItsOwnKey() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        KeyPair shipped = LicenseKeys.generate();
        KeyPair user = LicenseKeys.generate();
        KeyPair own = LicenseKeys.generate();
        Files.createDirectories(paths.configsDir());
        Files.writeString(paths.configsDir().resolve("providers.yaml"), """
                providers:
                  zai: {base_url: "https://api.z.ai/api/anthropic"}
                license_public_keys:
                  - %s
                  - not-a-key
                """.formatted(LicenseKeys.publicKeyBase64(shipped.getPublic())));
        Files.createDirectories(paths.userConfigDir());
        Files.writeString(paths.userConfigDir().resolve("providers.yaml"),
                "license_public_keys: [\"%s\"]\n".formatted(LicenseKeys.publicKeyBase64(user.getPublic())));
        LicenseKeys.write(LicenseKeys.KeyFiles.in(paths.userConfigDir()), own, false);

        TrustedKeys keys = TrustedKeys.forOperator(Map.of(), paths);

        assertEquals(List.of(LicenseKeys.keyId(shipped.getPublic()), LicenseKeys.keyId(user.getPublic()),
                LicenseKeys.keyId(own.getPublic())), List.copyOf(keys.keys().keySet()));
        assertEquals(1, keys.problems().size());
        assertTrue(keys.problems().getFirst().contains("'not-a-key' is not"), keys.problems().getFirst());
    }

    @Test
    void brokenProviderFileIsReportedWithItsLineAndOtherKeysStillCount() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        KeyPair own = LicenseKeys.generate();
        Files.createDirectories(paths.configsDir());
        Files.writeString(paths.configsDir().resolve("providers.yaml"), "providers:\n  zai: [unclosed\n");
        LicenseKeys.write(LicenseKeys.KeyFiles.in(paths.userConfigDir()), own, false);

        TrustedKeys keys = TrustedKeys.forOperator(Map.of(), paths);

        assertEquals(1, keys.keys().size());
        assertTrue(keys.problems().getFirst().startsWith(paths.configsDir().resolve("providers.yaml")
                + ":2: not valid YAML"), keys.problems().getFirst());
        assertEquals(1, keys.problems().size(), keys.problems().toString());
    }

    @Test
    void licenseFileComesFromTheVariableOrTheUserConfig() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        assertEquals(paths.userConfigDir().resolve("license.json"), Licenses.licenseFile(Map.of(), paths));
        assertEquals(dir.resolve("x/l.json"), Licenses.licenseFile(Map.of("CCP_LICENSE_FILE", "x/l.json"), paths));

        KeyPair own = LicenseKeys.generate();
        LicenseKeys.write(LicenseKeys.KeyFiles.in(paths.userConfigDir()), own, false);
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        Files.writeString(dir.resolve("mine.json"), LicenseDocument.sign(
                new License("team", List.of("zai_offload"), null, now, now.plus(Duration.ofDays(1))),
                own.getPrivate(), own.getPublic()));

        LicenseStatus status = Licenses.current(Map.of("CCP_LICENSE_FILE", "mine.json"), paths, InstantSource.fixed(now));
        assertTrue(status.ok(), status.reason());
        assertFalse(Licenses.current(Map.of(), paths, InstantSource.fixed(now)).ok());
    }
}
