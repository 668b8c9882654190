package dev.ccp.cli.ca;

import dev.ccp.cli.CcRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaCommandTest {
    private static final Pattern SHA = Pattern.compile("sha256 +((?:[0-9A-F]{2}:){31}[0-9A-F]{2})");

    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.system());
    }

    @Test
    void theFirstRunMakesTheCaAndPrintsItsPathAndFingerprint() throws Exception {
        CcRunner.Result first = cc().run("ca");
        assertEquals(0, first.exit(), first.toString());
        Path cert = root.resolve("user-config/ca/ca.pem");
        assertTrue(first.out().startsWith("certificate  " + cert + "\n"), first.out());
        assertTrue(first.out().contains("permits      api.anthropic.com, api.z.ai (and their subdomains; no IP address)"), first.out());
        assertTrue(first.out().contains("made now; trust it with NODE_EXTRA_CA_CERTS=" + cert), first.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cert.resolveSibling("ca.key"))));
        assertTrue(first.out().lines().noneMatch(l -> l.contains("PRIVATE")), "the key is never printed");

        CcRunner.Result second = cc().run("ca");
        assertEquals(fingerprint(first.out()), fingerprint(second.out()), "the same CA the second time");
        assertTrue(!second.out().contains("made now"), second.out());
    }

    @Test
    void rotateMakesANewCaAtTheSamePath() {
        String before = fingerprint(cc().run("ca").out());
        CcRunner.Result rotated = cc().run("ca", "--rotate");
        assertEquals(0, rotated.exit(), rotated.toString());
        assertNotEquals(before, fingerprint(rotated.out()));
        assertTrue(rotated.out().contains("a new CA: restart the clients started before"), rotated.out());
        assertEquals(fingerprint(rotated.out()), fingerprint(cc().run("ca").out()));
    }

    @Test
    void jsonAndTheHostsOfTheVariablePlusTheCatalogs() {
        // api.z.ai is not in the variable: it comes from the built-in catalog's zai provider.
        CcRunner.Result r = cc().env("CCP_MITM_HOSTS", "api.anthropic.com,llm.example.net").run("ca", "--json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\"permits\":[\"api.anthropic.com\",\"api.z.ai\",\"llm.example.net\"]"), r.out());
        assertTrue(r.out().contains("\"state\":\"created\""), r.out());
    }

    @Test
    void aBadHostListOrAnUnwritableFolderIsOneLineAndExitTwo() throws Exception {
        CcRunner.Result bad = cc().env("CCP_MITM_HOSTS", "10.0.0.1").run("ca");
        assertEquals(2, bad.exit());
        assertEquals(List.of("cc ca: CCP_MITM_HOSTS=10.0.0.1: '10.0.0.1' is not a host name (a comma-separated list such as"
                + " api.anthropic.com,api.z.ai)"), bad.errLines());

        Files.createDirectories(root.resolve("user-config"));
        Files.writeString(root.resolve("user-config/ca"), "a file where the folder should be");
        CcRunner.Result blocked = cc().run("ca");
        assertEquals(2, blocked.exit());
        assertEquals(1, blocked.errLines().size(), blocked.toString());
        assertTrue(blocked.errLines().getFirst().startsWith("cc ca: cannot use the CA under " + root.resolve("user-config/ca")),
                blocked.toString());
    }

    private static String fingerprint(String out) {
        Matcher m = SHA.matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }
}
