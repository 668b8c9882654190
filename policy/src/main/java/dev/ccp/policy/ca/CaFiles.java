package dev.ccp.policy.ca;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.DERIA5String;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.Set;

/** The CA's two PEM files: written whole (temporary file, then rename), the key readable by its owner only. */
final class CaFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private CaFiles() {
    }

    static void write(Path dir, X509Certificate cert, PrivateKey key) {
        try {
            if (POSIX) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
            // The key first: a certificate on disk without its key would be a CA nobody can use.
            writePrivately(dir.resolve(LocalCa.KEY_FILE), pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null)), "rw-------");
            writePrivately(dir.resolve(LocalCa.CERT_FILE), pem(cert), "rw-r--r--");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CA under " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writePrivately(Path target, String text, String mode) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (POSIX) {
            // Created with its mode: the key is never readable by others, not even for a moment.
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    static X509Certificate readCertificate(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            if (p.readObject() instanceof X509CertificateHolder holder) {
                return new JcaX509CertificateConverter().getCertificate(holder);
            }
            throw new IllegalStateException(file + " holds no certificate");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey readKey(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
            }
            throw new IllegalStateException(file + " holds no private key");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The dNSName subtrees the certificate's Name Constraints permit (empty when it has none). */
    static Set<String> permittedHosts(X509Certificate cert) {
        Set<String> hosts = new LinkedHashSet<>();
        try {
            X509CertificateHolder holder = new X509CertificateHolder(cert.getEncoded());
            Extension ext = holder.getExtension(Extension.nameConstraints);
            if (ext == null) {
                return hosts;
            }
            NameConstraints nc = NameConstraints.getInstance(ext.getParsedValue());
            if (nc.getPermittedSubtrees() != null) {
                for (GeneralSubtree t : nc.getPermittedSubtrees()) {
                    if (t.getBase().getTagNo() == GeneralName.dNSName) {
                        hosts.add(DERIA5String.getInstance(t.getBase().getName()).getString());
                    }
                }
            }
            return Set.copyOf(hosts);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA's name constraints: " + e.getMessage(), e);
        }
    }
}
