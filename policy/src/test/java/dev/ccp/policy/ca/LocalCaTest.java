package dev.ccp.policy.ca;

import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalCaTest {
    private static final Set<String> HOSTS = Set.of("api.anthropic.com", "api.z.ai");

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T08:00:00Z"));
    private final InstantSource clock = () -> now.get();

    @Test
    void createdOnFirstUseWithTheKeyReadableByItsOwnerOnly() throws Exception {
        Path caDir = dir.resolve("ca");
        LocalCa.Loaded loaded = LocalCa.loadOrCreate(caDir, HOSTS, clock);
        assertEquals(LocalCa.Loaded.How.CREATED, loaded.how());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir.resolve("ca.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir)));
        assertTrue(Files.readString(caDir.resolve("ca.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
        assertFalse(Files.readString(caDir.resolve("ca.pem")).contains("PRIVATE KEY"));
        assertFalse(Files.exists(caDir.resolve("ca.key.tmp")));

        LocalCa again = LocalCa.loadOrCreate(caDir, HOSTS, clock).ca();
        assertEquals(loaded.ca().fingerprint(), again.fingerprint(), "the second use reads the same CA");
        assertTrue(again.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), again.fingerprint());
    }

    @Test
    void theNameConstraintsAreCriticalAndPermitOnlyTheInterceptedHosts() {
        LocalCa ca = LocalCa.create(dir, HOSTS, clock);
        X509Certificate cert = ca.certificate();
        assertTrue(cert.getCriticalExtensionOIDs().contains(Extension.nameConstraints.getId()));
        assertEquals(HOSTS, ca.permittedHosts());
        assertEquals(0, cert.getBasicConstraints(), "a CA that may sign leaves only, no intermediate");
    }

    @Test
    void aLeafForAnInterceptedHostValidatesAgainstTheCa() throws Exception {
        LocalCa ca = LocalCa.create(dir, HOSTS, clock);
        validate(ca, ca.leafFor("api.anthropic.com").certificate());
        validate(ca, ca.leafFor("API.Z.AI").certificate());
    }

    @Test
    void theCaCannotSignForExampleCom() throws Exception {
        LocalCa ca = LocalCa.create(dir, HOSTS, clock);
        assertThrows(IllegalArgumentException.class, () -> ca.leafFor("example.com"));

        // Even with the key in hand (as a thief would have it), a leaf for example.com does not validate.
        X509Certificate forged = ca.signLeaf("example.com", LocalCa.ecKeyPair().getPublic());
        CertPathValidatorException refused = assertThrows(CertPathValidatorException.class, () -> validate(ca, forged));
        assertTrue(String.valueOf(refused.getMessage()).toLowerCase().contains("name constraint")
                || refused.getReason().toString().contains("INVALID_NAME"), refused::getMessage);
        // A look-alike that only ends with a permitted name is refused too.
        X509Certificate lookAlike = ca.signLeaf("evilapi.anthropic.com.example.com", LocalCa.ecKeyPair().getPublic());
        assertThrows(CertPathValidatorException.class, () -> validate(ca, lookAlike));
    }

    @Test
    void leavesAreCachedUntilADayBeforeTheyEnd() {
        LocalCa ca = LocalCa.create(dir, HOSTS, clock);
        LocalCa.Leaf first = ca.leafFor("api.anthropic.com");
        assertSame(first, ca.leafFor("api.anthropic.com"));
        assertEquals(1, ca.cachedLeaves());
        now.set(now.get().plus(LocalCa.LEAF_VALIDITY).minus(Duration.ofHours(12)));
        LocalCa.Leaf renewed = ca.leafFor("api.anthropic.com");
        assertNotSame(first, renewed);
        assertTrue(renewed.certificate().getNotAfter().toInstant().isAfter(now.get().plus(Duration.ofDays(29))));
    }

    @Test
    void rotatingMakesANewCaAndAHostTheOldOneDidNotCoverReplacesIt() {
        LocalCa first = LocalCa.create(dir, HOSTS, clock);
        LocalCa rotated = LocalCa.create(dir, first.permittedHosts(), clock);
        assertNotEquals(first.fingerprint(), rotated.fingerprint());
        assertEquals(rotated.fingerprint(), LocalCa.load(dir, clock).fingerprint());

        LocalCa.Loaded widened = LocalCa.loadOrCreate(dir, Set.of("api.anthropic.com", "llm.example.net"), clock);
        assertEquals(LocalCa.Loaded.How.REPLACED, widened.how());
        assertEquals(Set.of("llm.example.net"), widened.uncovered());
        assertEquals(Set.of("api.anthropic.com", "api.z.ai", "llm.example.net"), widened.ca().permittedHosts());
    }

    @Test
    void interceptedHostsAreTheVariableOrItsDefaultPlusTheCatalogsDnsHosts() {
        assertEquals(Set.of("api.anthropic.com", "api.z.ai", "llm.example.net"), InterceptedHosts.of(Map.of(),
                List.of("https://api.anthropic.com", "https://llm.example.net/v1", "http://127.0.0.1:9000", "http://localhost:1")));
        assertEquals(Set.of("a.example.org"), InterceptedHosts.of(Map.of("CCP_MITM_HOSTS", " A.example.org, "), List.of()));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> InterceptedHosts.of(Map.of("CCP_MITM_HOSTS", "api.anthropic.com,10.0.0.1"), List.of()));
        assertTrue(bad.getMessage().startsWith("CCP_MITM_HOSTS=api.anthropic.com,10.0.0.1: '10.0.0.1' is not a host name"), bad.getMessage());
    }

    /**
     * RFC 5280 path validation by the JDK. The anchor is the CA's name and key, and the CA certificate
     * is in the path, so its extensions (the Name Constraints above all) are processed as OpenSSL (and
     * so Node and Claude Code) processes a trusted root's.
     */
    private void validate(LocalCa ca, X509Certificate leaf) throws Exception {
        X509Certificate root = ca.certificate();
        PKIXParameters params = new PKIXParameters(Set.of(
                new TrustAnchor(root.getSubjectX500Principal(), root.getPublicKey(), null)));
        params.setRevocationEnabled(false);
        params.setDate(java.util.Date.from(now.get()));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf, root)), params);
    }
}
