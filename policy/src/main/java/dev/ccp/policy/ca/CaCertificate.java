package dev.ccp.policy.ca;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The CA's certificate as the JDK alone reads it, for what only reports on the CA ({@code cc ca},
 * {@code cc env --mitm}). {@link LocalCa} reads and writes with BouncyCastle, whose jars are signed:
 * the first class taken from them makes the JVM check the jars' signatures, and with the key pair
 * {@link LocalCa} makes for its leaves that was most of such a command's time. This class names no
 * BouncyCastle type, so using it loads none.
 *
 * @param file           the certificate's PEM file
 * @param certificate    the certificate
 * @param permittedHosts the dNSName subtrees its Name Constraints permit
 */
public record CaCertificate(Path file, X509Certificate certificate, Set<String> permittedHosts) {
    /**
     * A CA that expires sooner than this is made anew: the leaves it signs live this long
     * ({@code LocalCa.LEAF_VALIDITY}; a test holds the two equal).
     */
    static final Duration EXPIRY_MARGIN = Duration.ofDays(30);
    private static final String NAME_CONSTRAINTS = "2.5.29.30";

    /**
     * The CA in {@code dir} when {@link LocalCa#loadOrCreate} would only load it: both files there and
     * readable, the key a PKCS#8 key the JDK reads, every host of {@code hosts} permitted, and not
     * expiring within {@link #EXPIRY_MARGIN}. Empty otherwise, and for whatever this does not read (a key
     * in another PEM form): {@link LocalCa#loadOrCreate} then decides, and reports what is wrong.
     */
    public static Optional<CaCertificate> current(Path dir, Set<String> hosts, InstantSource clock) {
        Path certFile = dir.resolve(LocalCa.CERT_FILE);
        Path keyFile = dir.resolve(LocalCa.KEY_FILE);
        try {
            if (!Files.exists(certFile) || !Files.exists(keyFile) || !readsAsEcKey(keyFile)) {
                return Optional.empty();
            }
            X509Certificate cert = readCertificate(certFile);
            CaCertificate ca = new CaCertificate(certFile, cert, permittedHosts(cert));
            if (!hosts.stream().allMatch(ca::covers)
                    || cert.getNotAfter().toInstant().isBefore(clock.instant().plus(EXPIRY_MARGIN))) {
                return Optional.empty();
            }
            return Optional.of(ca);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of the certificate's DER encoding, as upper-case hex pairs joined by colons (as browsers show it). */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the name constraints permit {@code host}: one of the hosts or a subdomain of one. */
    public boolean covers(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String p : permittedHosts) {
            if (h.equals(p) || h.endsWith("." + p)) {
                return true;
            }
        }
        return false;
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        byte[] der = pem(Files.readString(file, StandardCharsets.US_ASCII), "CERTIFICATE");
        if (der == null) {
            throw new GeneralSecurityException(file + " holds no certificate");
        }
        try (InputStream in = new ByteArrayInputStream(der)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Whether the file holds a PKCS#8 EC private key ({@code BEGIN PRIVATE KEY}, what {@link LocalCa} writes). */
    static boolean readsAsEcKey(Path file) throws IOException {
        byte[] der = pem(Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY");
        if (der == null) {
            return false;
        }
        try {
            KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The bytes of the first PEM block labelled {@code label}, or null. */
    private static byte[] pem(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (to < 0) {
            return null;
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The dNSName bases of the permitted subtrees of the certificate's Name Constraints (RFC 5280
     * 4.2.1.10), read from its DER: {@code SEQUENCE { [0] { GeneralSubtree... } OPTIONAL, [1] ... }},
     * each {@code GeneralSubtree} a {@code SEQUENCE} whose first element is the name, a dNSName being
     * {@code [2]} IA5String.
     */
    static Set<String> permittedHosts(X509Certificate cert) throws IOException {
        Set<String> hosts = new LinkedHashSet<>();
        byte[] ext = cert.getExtensionValue(NAME_CONSTRAINTS);
        if (ext == null) {
            return Set.of();
        }
        Der octets = Der.of(ext, 0, ext.length);
        Der constraints = octets.expect(0x04).content().first().expect(0x30);
        for (Der part = constraints.content().first(); part != null; part = part.next()) {
            if (part.tag() != 0xA0) {
                continue; // [1]: the excluded subtrees
            }
            for (Der subtree = part.content().first(); subtree != null; subtree = subtree.next()) {
                Der base = subtree.expect(0x30).content().first();
                if (base != null && base.tag() == 0x82) {
                    hosts.add(new String(base.bytes, base.start, base.length, StandardCharsets.US_ASCII));
                }
            }
        }
        return Set.copyOf(hosts);
    }

    /** One DER element in {@code bytes} (tag, then content at {@code start}, {@code length} long), within {@code end}. */
    private record Der(byte[] bytes, int tag, int start, int length, int end) {
        /** The element at {@code at}, or null when {@code at} is {@code end}. */
        static Der of(byte[] bytes, int at, int end) throws IOException {
            if (at == end) {
                return null;
            }
            if (at + 2 > end) {
                throw new IOException("truncated DER");
            }
            int tag = bytes[at] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw new IOException("a DER tag of more than one byte");
            }
            int first = bytes[at + 1] & 0xff;
            int start = at + 2;
            long length = first;
            if (first > 0x80) {
                int n = first & 0x7f;
                if (n > 4 || start + n > end) {
                    throw new IOException("a DER length that does not fit");
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (bytes[start + i] & 0xff);
                }
                start += n;
            } else if (first == 0x80) {
                throw new IOException("an indefinite length in DER");
            }
            if (start + length > end) {
                throw new IOException("a DER element longer than what holds it");
            }
            return new Der(bytes, tag, start, (int) length, end);
        }

        Der expect(int expected) throws IOException {
            if (tag != expected) {
                throw new IOException("DER tag " + Integer.toHexString(tag) + " where " + Integer.toHexString(expected) + " was expected");
            }
            return this;
        }

        /** This element's content as a sequence of elements: a view whose {@link #first()} is its first one. */
        Der content() {
            return new Der(bytes, tag, start, length, start + length);
        }

        /** The first element of a {@link #content()} view, or null when it is empty. */
        Der first() throws IOException {
            return of(bytes, start, end);
        }

        /** The element after this one within the same parent, or null. */
        Der next() throws IOException {
            return of(bytes, start + length, end);
        }
    }
}
