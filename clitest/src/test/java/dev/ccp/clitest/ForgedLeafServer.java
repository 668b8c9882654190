package dev.ccp.clitest;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** A TLS server presenting a leaf for any name signed with the CA's key read from its files (not through LocalCa). */
final class ForgedLeafServer implements AutoCloseable {
    private final SSLServerSocket socket;

    private ForgedLeafServer(SSLServerSocket socket) {
        this.socket = socket;
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try (SSLSocket s = (SSLSocket) socket.accept()) {
                    s.startHandshake();
                    s.getInputStream().read();
                } catch (Exception ignored) {
                    // The client refused, or we are closing.
                }
            }
        });
    }

    static ForgedLeafServer start(Path caDir, String name) throws Exception {
        X509Certificate ca;
        PrivateKey caKey;
        try (Reader r = Files.newBufferedReader(caDir.resolve("ca.pem")); PEMParser p = new PEMParser(r)) {
            ca = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) p.readObject());
        }
        try (Reader r = Files.newBufferedReader(caDir.resolve("ca.key")); PEMParser p = new PEMParser(r)) {
            caKey = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) p.readObject());
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair leafKeys = g.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(ca,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + name), leafKeys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("leaf", leafKeys.getPrivate(), "x".toCharArray(), new Certificate[]{leaf, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) ssl.getServerSocketFactory().createServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress());
        return new ForgedLeafServer(server);
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
