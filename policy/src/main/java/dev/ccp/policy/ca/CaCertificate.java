package dev.ccp.policy.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a report on the CA shows ({@code cc ca}, {@code cc env --mitm}), read from its files without
 * BouncyCastle or the JDK's certificate parser. {@link LocalCa} reads and writes with BouncyCastle,
 * whose jars are signed: the first class taken from them makes the JVM check the jars' signatures,
 * and with the key pair {@link LocalCa} makes for its leaves that was most of such a command's time.
 * The JDK's {@code CertificateFactory} in turn reports each certificate it parses as a security event,
 * whose logger look-up opens every jar of the class path. The few fields needed are read from the DER.
 *
 * @param file           the certificate's PEM file
 * @param der            the certificate's DER encoding
 * @param notAfter       the end of its validity
 * @param permittedHosts the dNSName subtrees its Name Constraints permit
 */
public record CaCertificate(Path file, byte[] der, Instant notAfter, Set<String> permittedHosts) {
    /**
     * A CA that expires sooner than this is made anew: the leaves it signs live this long
     * ({@code LocalCa.LEAF_VALIDITY}; a test holds the two equal).
     */
    static final Duration EXPIRY_MARGIN = Duration.ofDays(30);
    /** The DER of the object identifier 2.5.29.30 (Name Constraints). */
    private static final byte[] NAME_CONSTRAINTS = {0x55, 0x1d, 0x1e};

    /** The certificate of a {@link LocalCa}. */
    public static CaCertificate of(Path file, X509Certificate certificate, Set<String> permittedHosts) {
        try {
            return new CaCertificate(file, certificate.getEncoded(), certificate.getNotAfter().toInstant(), permittedHosts);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

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
            byte[] der = pem(Files.readString(certFile, StandardCharsets.US_ASCII), "CERTIFICATE");
            if (der == null) {
                return Optional.empty();
            }
            CaCertificate ca = read(certFile, der);
            if (!hosts.stream().allMatch(ca::covers) || ca.notAfter.isBefore(clock.instant().plus(EXPIRY_MARGIN))) {
                return Optional.empty();
            }
            return Optional.of(ca);
        } catch (IOException | RuntimeException e) {
            // Not what LocalCa writes: LocalCa decides, and says what is wrong.
            return Optional.empty();
        }
    }

    /** SHA-256 of the certificate's DER encoding, as upper-case hex pairs joined by colons (as browsers show it). */
    public String fingerprint() {
        return fingerprint(der);
    }

    static String fingerprint(byte[] der) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(der);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the name constraints permit {@code host}: one of the hosts or a subdomain of one. */
    public boolean covers(String host) {
        return covers(permittedHosts, host);
    }

    static boolean covers(Set<String> permittedHosts, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String p : permittedHosts) {
            if (h.equals(p) || h.endsWith("." + p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fields of an X.509 certificate (RFC 5280 4.1): {@code Certificate ::= SEQUENCE { tbsCertificate,
     * ... }}, {@code TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
     * validity SEQUENCE { notBefore, notAfter }, subject, subjectPublicKeyInfo, [1] OPTIONAL, [2] OPTIONAL,
     * [3] extensions OPTIONAL }}.
     */
    static CaCertificate read(Path file, byte[] der) throws IOException {
        Der tbs = Der.of(der, 0, der.length).expect(0x30).content().first().expect(0x30);
        Der field = tbs.content().first();
        if (field.tag() == 0xA0) {
            field = field.next();
        }
        Der validity = field.expect(0x02).next().expect(0x30).next().expect(0x30).next().expect(0x30);
        Instant notAfter = time(validity.content().first().next());
        Set<String> hosts = Set.of();
        for (Der f = validity.next(); f != null; f = f.next()) {
            if (f.tag() == 0xA3) {
                for (Der ext = f.content().first().expect(0x30).content().first(); ext != null; ext = ext.next()) {
                    Der id = ext.expect(0x30).content().first().expect(0x06);
                    if (java.util.Arrays.equals(der, id.start(), id.start() + id.length(), NAME_CONSTRAINTS, 0, NAME_CONSTRAINTS.length)) {
                        Der value = id.next();
                        if (value.tag() == 0x01) {
                            value = value.next(); // critical
                        }
                        hosts = permittedHosts(value.expect(0x04).content().first());
                    }
                }
            }
        }
        return new CaCertificate(file, der, notAfter, hosts);
    }

    /** UTCTime ({@code YYMMDDHHMMSSZ}, 1950–2049) or GeneralizedTime ({@code YYYYMMDDHHMMSSZ}). */
    private static Instant time(Der t) throws IOException {
        String s = new String(t.bytes(), t.start(), t.length(), StandardCharsets.US_ASCII);
        String full;
        if (t.tag() == 0x17 && s.length() == 13) {
            int yy = Integer.parseInt(s.substring(0, 2));
            full = (yy >= 50 ? "19" : "20") + s;
        } else if (t.tag() == 0x18 && s.length() == 15) {
            full = s;
        } else {
            throw new IOException("not a DER time: " + s);
        }
        if (!full.endsWith("Z")) {
            throw new IOException("not a UTC time: " + s);
        }
        try {
            return java.time.LocalDateTime.of(Integer.parseInt(full.substring(0, 4)), Integer.parseInt(full.substring(4, 6)),
                    Integer.parseInt(full.substring(6, 8)), Integer.parseInt(full.substring(8, 10)),
                    Integer.parseInt(full.substring(10, 12)), Integer.parseInt(full.substring(12, 14)))
                    .toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw new IOException("not a DER time: " + s);
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
     * The dNSName bases of the permitted subtrees of a Name Constraints extension's value (RFC 5280
     * 4.2.1.10), read from its DER: {@code SEQUENCE { [0] { GeneralSubtree... } OPTIONAL, [1] ... }},
     * each {@code GeneralSubtree} a {@code SEQUENCE} whose first element is the name, a dNSName being
     * {@code [2]} IA5String.
     */
    static Set<String> permittedHosts(Der constraints) throws IOException {
        Set<String> hosts = new LinkedHashSet<>();
        constraints.expect(0x30);
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
