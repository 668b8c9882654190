package dev.ccp.policy.ca;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The local certificate authority of interception mode: a key pair and a self-signed certificate
 * under {@code ~/.config/ccp/ca/} ({@code ca.pem}, {@code ca.key} with mode 0600), created on first
 * use. Its critical Name Constraints extension permits only the intercepted hosts (and their
 * subdomains) and excludes every IP address, so that even a stolen key cannot sign a certificate
 * any client checking the chain accepts for another site. Leaf certificates are minted per host on
 * demand and cached; they share one key pair per CA load.
 */
public final class LocalCa {
    public static final String CERT_FILE = "ca.pem";
    public static final String KEY_FILE = "ca.key";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration LEAF_VALIDITY = Duration.ofDays(30);
    /** A cached leaf closer to its end than this is minted again. */
    static final Duration LEAF_RENEW_BEFORE = Duration.ofDays(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A minted leaf: its key and the chain to present (leaf, then the CA). */
    public record Leaf(PrivateKey key, X509Certificate[] chain) {
        public X509Certificate certificate() {
            return chain[0];
        }
    }

    private final Path dir;
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Set<String> permitted;
    private final InstantSource clock;
    private final KeyPair leafKeys;
    private final ConcurrentMap<String, Leaf> leaves = new ConcurrentHashMap<>();

    private LocalCa(Path dir, X509Certificate certificate, PrivateKey key, InstantSource clock) {
        this.dir = dir;
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
        this.permitted = CaFiles.permittedHosts(certificate);
        this.leafKeys = ecKeyPair();
    }

    /**
     * The CA in {@code dir}; made when absent, or made anew when it does not cover every host of
     * {@code hosts} or has expired (the caller says so to its user: clients must trust the new one).
     */
    public static Loaded loadOrCreate(Path dir, Set<String> hosts, InstantSource clock) {
        if (Files.exists(dir.resolve(CERT_FILE)) && Files.exists(dir.resolve(KEY_FILE))) {
            LocalCa existing = load(dir, clock);
            Set<String> missing = new TreeSet<>();
            for (String h : hosts) {
                if (!existing.covers(h)) {
                    missing.add(h);
                }
            }
            boolean expired = existing.certificate.getNotAfter().toInstant().isBefore(clock.instant().plus(LEAF_VALIDITY));
            if (missing.isEmpty() && !expired) {
                return new Loaded(existing, Loaded.How.LOADED, Set.of());
            }
            return new Loaded(create(dir, union(existing.permitted, hosts), clock), Loaded.How.REPLACED,
                    expired ? Set.of() : missing);
        }
        return new Loaded(create(dir, hosts, clock), Loaded.How.CREATED, Set.of());
    }

    /** What {@link #loadOrCreate} did. {@code uncovered}: the hosts the old CA did not permit. */
    public record Loaded(LocalCa ca, How how, Set<String> uncovered) {
        public enum How { LOADED, CREATED, REPLACED }
    }

    /** Reads the CA in {@code dir}. */
    public static LocalCa load(Path dir, InstantSource clock) {
        return new LocalCa(dir, CaFiles.readCertificate(dir.resolve(CERT_FILE)),
                CaFiles.readKey(dir.resolve(KEY_FILE)), clock);
    }

    /** Makes a new CA for {@code hosts} in {@code dir}, replacing any there (what {@code cc ca --rotate} does). */
    public static LocalCa create(Path dir, Set<String> hosts, InstantSource clock) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a CA needs at least one host to permit");
        }
        KeyPair pair = ecKeyPair();
        Instant now = clock.instant();
        X500Name subject = new X500Name("CN=ccp local interception CA " + HexFormat.of().formatHex(serial().toByteArray(), 0, 4)
                + ",O=ccp (this machine only)");
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.nameConstraints, true, nameConstraints(hosts))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            CaFiles.write(dir, cert, pair.getPrivate());
            return new LocalCa(dir, cert, pair.getPrivate(), clock);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the CA: " + e.getMessage(), e);
        }
    }

    /** Permitted: each host as a dNSName subtree (the host and its subdomains). Excluded: every IPv4 and IPv6 address. */
    static NameConstraints nameConstraints(Set<String> hosts) {
        GeneralSubtree[] permittedTrees = new TreeSet<>(hosts).stream()
                .map(h -> new GeneralSubtree(new GeneralName(GeneralName.dNSName, h)))
                .toArray(GeneralSubtree[]::new);
        GeneralSubtree[] excluded = {
                new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(new byte[8]))),
                new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(new byte[32]))),
        };
        return new NameConstraints(permittedTrees, excluded);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public Path certificateFile() {
        return dir.resolve(CERT_FILE);
    }

    public Path keyFile() {
        return dir.resolve(KEY_FILE);
    }

    /** The hosts the CA may sign for (each with its subdomains). */
    public Set<String> permittedHosts() {
        return permitted;
    }

    /** SHA-256 of the certificate's DER encoding, as upper-case hex pairs joined by colons (as browsers show it). */
    public String fingerprint() {
        return fingerprint(certificate);
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            return CaCertificate.fingerprint(cert.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the name constraints permit {@code host}. */
    public boolean covers(String host) {
        return CaCertificate.covers(permitted, host);
    }

    /**
     * A leaf for {@code host}, from the cache while it has more than a day left.
     *
     * @throws IllegalArgumentException for a host the CA may not sign for
     */
    public Leaf leafFor(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (!covers(h)) {
            throw new IllegalArgumentException("the ccp CA may not sign for " + host + " (it permits " + new TreeSet<>(permitted) + ")");
        }
        Instant renewAfter = clock.instant().plus(LEAF_RENEW_BEFORE);
        return leaves.compute(h, (k, cached) -> cached != null
                && cached.certificate().getNotAfter().toInstant().isAfter(renewAfter) ? cached : mint(k));
    }

    /** How many leaves are cached (for tests of the cache). */
    int cachedLeaves() {
        return leaves.size();
    }

    private Leaf mint(String host) {
        return new Leaf(leafKeys.getPrivate(),
                new X509Certificate[]{signLeaf(host, leafKeys.getPublic()), certificate});
    }

    /** Signs a leaf for any name with this CA's key, constraints or not: the tests use it to prove the constraints hold. */
    X509Certificate signLeaf(String host, PublicKey leafKey) {
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(LEAF_VALIDITY)),
                    new X500Name("CN=" + host), leafKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, host)))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKey));
            return sign(b, key);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot mint a certificate for " + host + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
