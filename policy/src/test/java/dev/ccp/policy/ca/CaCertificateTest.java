package dev.ccp.policy.ca;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JDK-only reading of the CA agrees with {@link LocalCa}, and leaves to it every CA it would not only load. */
class CaCertificateTest {
    private static final Set<String> HOSTS = Set.of("api.anthropic.com", "api.z.ai", "open.bigmodel.cn");

    @TempDir
    Path dir;

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-12-03T08:00:00Z"));

    @Test
    void aCurrentCaReadsAsLocalCaReadsIt() throws Exception {
        LocalCa ca = LocalCa.create(dir, HOSTS, clock);

        CaCertificate read = CaCertificate.current(dir, Set.of("api.z.ai", "eu.api.anthropic.com"), clock).orElseThrow();

        assertEquals(ca.fingerprint(), read.fingerprint());
        assertEquals(new TreeSet<>(ca.permittedHosts()), new TreeSet<>(read.permittedHosts()));
        assertEquals(HOSTS, read.permittedHosts());
        assertEquals(ca.certificate().getNotAfter().toInstant(), read.notAfter());
        assertArrayEquals(ca.certificate().getEncoded(), read.der());
        assertEquals(ca.certificateFile(), read.file());
        assertTrue(read.covers("API.Z.AI") && !read.covers("z.ai") && !read.covers("evil-api.z.ai"));
    }

    @Test
    void whateverLocalCaWouldRemakeOrRefuseIsLeftToIt() throws Exception {
        assertEquals(Optional.empty(), CaCertificate.current(dir, HOSTS, clock), "no CA yet");

        LocalCa.create(dir, Set.of("api.anthropic.com"), clock);
        assertEquals(Optional.empty(), CaCertificate.current(dir, Set.of("api.anthropic.com", "api.z.ai"), clock),
                "a host it does not permit");
        assertTrue(CaCertificate.current(dir, Set.of("api.anthropic.com"), clock).isPresent());

        InstantSource nearItsEnd = InstantSource.fixed(clock.instant().plus(LocalCa.CA_VALIDITY).minus(Duration.ofDays(29)));
        assertEquals(Optional.empty(), CaCertificate.current(dir, Set.of("api.anthropic.com"), nearItsEnd), "expiring");

        String key = Files.readString(dir.resolve(LocalCa.KEY_FILE));
        Files.writeString(dir.resolve(LocalCa.KEY_FILE), key.replace("BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY")
                .replace("END PRIVATE KEY", "END EC PRIVATE KEY"));
        assertEquals(Optional.empty(), CaCertificate.current(dir, Set.of("api.anthropic.com"), clock), "a key in another form");

        Files.writeString(dir.resolve(LocalCa.KEY_FILE), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertEquals(Optional.empty(), CaCertificate.current(dir, Set.of("api.anthropic.com"), clock), "a broken key");

        Files.delete(dir.resolve(LocalCa.KEY_FILE));
        assertEquals(Optional.empty(), CaCertificate.current(dir, Set.of("api.anthropic.com"), clock), "no key");
    }

    @Test
    void aValidityPast2049IsReadFromItsGeneralizedTime() throws Exception {
        InstantSource in2045 = InstantSource.fixed(Instant.parse("2045-06-01T12:00:00Z"));
        LocalCa ca = LocalCa.create(dir, HOSTS, in2045);

        CaCertificate read = CaCertificate.current(dir, HOSTS, in2045).orElseThrow();

        assertEquals(ca.certificate().getNotAfter().toInstant(), read.notAfter());
        assertTrue(read.notAfter().isAfter(Instant.parse("2050-01-01T00:00:00Z")), read.notAfter().toString());
    }

    @Test
    void theExpiryMarginIsTheLifeOfALeaf() {
        assertEquals(LocalCa.LEAF_VALIDITY, CaCertificate.EXPIRY_MARGIN);
    }
}
