package dev.ccp.policy.license;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Ed25519 keys for licenses, with the JDK's own provider.
 *
 * <p>A public key travels as the base64 of its X.509 SubjectPublicKeyInfo (44 bytes, the text
 * starts {@code MCowBQYDK2VwAyEA}); the bare 32-byte key in base64 is accepted too. Its id is the
 * first 16 hex digits of the SHA-256 of the X.509 form. The private key file is PKCS#8 in PEM,
 * created with owner-only permissions before any byte is written to it.
 */
public final class LicenseKeys {
    static final String ALGORITHM = "Ed25519";
    /** X.509 prefix of an Ed25519 public key: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    /** Where {@code cc license keygen} writes an operator's key pair. */
    public record KeyFiles(Path privateKey, Path publicKey) {
        public static KeyFiles in(Path dir) {
            return new KeyFiles(dir.resolve("license-signing.key"), dir.resolve("license-signing.pub"));
        }
    }

    private LicenseKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 key generator", e);
        }
    }

    public static String publicKeyBase64(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * Reads a public key from base64 (X.509 or the bare 32 bytes).
     *
     * @throws IllegalArgumentException with a short reason when it is not an Ed25519 public key
     */
    public static PublicKey parsePublicKey(String base64) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64");
        }
        if (der.length == 32) {
            byte[] full = new byte[X509_PREFIX.length + 32];
            System.arraycopy(X509_PREFIX, 0, full, 0, X509_PREFIX.length);
            System.arraycopy(der, 0, full, X509_PREFIX.length, 32);
            der = full;
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
    }

    /** First 16 hex digits of the SHA-256 of the key's X.509 encoding. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * Writes both files of a key pair. The private key file is created owner-only (0600) and its
     * folder, when created here, owner-only too.
     *
     * @throws FileAlreadyExistsException when the private key file exists and {@code replace} is false
     */
    public static void write(KeyFiles files, KeyPair pair, boolean replace) throws IOException {
        if (!replace && Files.exists(files.privateKey())) {
            throw new FileAlreadyExistsException(files.privateKey().toString(), null,
                    "a license signing key already exists");
        }
        Path dir = files.privateKey().toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix() ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_DIR)}
                    : new FileAttribute<?>[0]);
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        writeAtomically(files.privateKey(), pem, true);
        writeAtomically(files.publicKey(), publicKeyBase64(pair.getPublic()) + "\n", false);
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String body = text.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is not an Ed25519 private key in PEM (PKCS#8)");
        }
    }

    /** Reads a public key file written by {@link #write} (one base64 line). */
    public static PublicKey readPublicKey(Path file) throws IOException {
        try {
            return parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static void writeAtomically(Path target, String content, boolean ownerOnly) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = ownerOnly && posix()
                ? Files.createTempFile(dir, ".tmp-", ".key", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, ".tmp-", ".pub");
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            if (!ownerOnly && posix()) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean posix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
