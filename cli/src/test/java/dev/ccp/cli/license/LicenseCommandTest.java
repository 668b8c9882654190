package dev.ccp.cli.license;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LicenseCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(NOW));
    }

    private Path licenseFile(CcRunner cc) {
        return cc.paths().userConfigDir().resolve("license.json");
    }

    private static JsonNode json(CcRunner.Result r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void keygenWritesAnOwnerOnlyPrivateKeyAndNeverPrintsIt() throws Exception {
        CcRunner cc = cc();

        CcRunner.Result r = cc.run("license", "keygen");

        assertEquals(0, r.exit(), r.toString());
        Path key = cc.paths().userConfigDir().resolve("license-signing.key");
        Path pub = cc.paths().userConfigDir().resolve("license-signing.pub");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String privateBase64 = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        assertFalse(r.out().contains(privateBase64.substring(20, 40)), "the private key is never printed");
        assertTrue(r.out().contains("private key: " + key), r.out());
        assertTrue(r.out().contains("public key:  " + pub), r.out());
        assertTrue(r.out().contains("  - " + Files.readString(pub).strip()), r.out());

        CcRunner.Result again = cc.run("license", "keygen");
        assertEquals(2, again.exit());
        assertEquals(1, again.errLines().size());
        assertTrue(again.err().startsWith("cc license keygen: a signing key already exists at " + key), again.err());
    }

    @Test
    void issuedLicenseIsInForce() throws Exception {
        CcRunner cc = cc();
        cc.run("license", "keygen");

        CcRunner.Result issued = cc.run("license", "issue", "--plan", "pro", "--features", "zai_offload,quotas",
                "--days", "30", "--holder", "Jane", "--out", licenseFile(cc).toString());
        assertEquals(0, issued.exit(), issued.toString());

        CcRunner.Result status = cc.run("license", "status");
        assertEquals(0, status.exit(), status.toString());
        assertEquals("[license] plan=pro features=[zai_offload, quotas]", status.out().lines().findFirst().orElseThrow());
        assertTrue(status.out().contains("mode          licensed"), status.out());

        JsonNode doc = json(cc.run("license", "status", "--json"));
        assertTrue(doc.get("ok").asBoolean());
        assertEquals("pro", doc.get("plan").asText());
        assertEquals(List.of("zai_offload", "quotas"), List.of(doc.get("features").get(0).asText(), doc.get("features").get(1).asText()));
        assertEquals("Jane", doc.get("holder").asText());
        assertEquals(NOW.plus(Duration.ofDays(30)).toString(), doc.get("expires_at").asText());
        assertTrue(doc.get("reason").isNull());
    }

    @Test
    void withoutALicenseStatusSaysCommunityModeAndExitsOne() throws Exception {
        CcRunner cc = cc();

        CcRunner.Result r = cc.run("license", "status", "--json");

        assertEquals(1, r.exit());
        JsonNode doc = json(r);
        assertFalse(doc.get("ok").asBoolean());
        assertEquals("community", doc.get("plan").asText());
        assertEquals(0, doc.get("features").size());
        assertEquals("no license file at " + licenseFile(cc), doc.get("reason").asText());
    }

    @Test
    void licenseFromAnotherKeyIsCommunityModeNamingTheKey() throws Exception {
        CcRunner cc = cc();
        cc.run("license", "keygen");
        cc.run("license", "issue", "--plan", "pro", "--features", "zai_offload", "--days", "30",
                "--out", licenseFile(cc).toString());
        cc.run("license", "keygen", "--force"); // the key that signed it is no longer trusted

        CcRunner.Result r = cc.run("license", "status");

        assertEquals(1, r.exit());
        assertTrue(r.out().startsWith("[license] plan=community features=[] (community mode: the license file "
                + licenseFile(cc) + " is signed by key "), r.out());
        assertTrue(r.out().contains("which is not a trusted license key"), r.out());
    }

    @Test
    void keyListedInProvidersYamlIsTrusted() throws Exception {
        CcRunner issuer = new CcRunner(root.resolve("issuer"), InstantSource.fixed(NOW));
        CcRunner.Result keygen = issuer.run("license", "keygen", "--json");
        String publicKey = json(keygen).get("public_key").asText();
        Path license = root.resolve("license-for-user.json");
        issuer.run("license", "issue", "--plan", "team", "--features", "zai_offload", "--days", "7", "--out", license.toString());

        CcRunner user = cc().env("CCP_LICENSE_FILE", license.toString());
        assertEquals(1, user.run("license", "status").exit(), "not trusted yet");
        Files.createDirectories(user.paths().configsDir());
        Files.writeString(user.paths().configsDir().resolve("providers.yaml"),
                "license_public_keys:\n  - " + publicKey + "\n");

        CcRunner.Result r = user.run("license", "status", "--json");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("team", json(r).get("plan").asText());
    }

    @Test
    void expiredLicenseIsCommunityMode() throws Exception {
        CcRunner cc = cc();
        cc.run("license", "keygen");
        cc.run("license", "issue", "--plan", "pro", "--features", "zai_offload", "--days", "1",
                "--out", licenseFile(cc).toString());

        CcRunner.Result r = cc.clock(InstantSource.fixed(NOW.plus(Duration.ofDays(2)))).run("license", "status", "--json");

        assertEquals(1, r.exit());
        assertEquals("the license file " + licenseFile(cc) + " expired at " + NOW.plus(Duration.ofDays(1)),
                json(r).get("reason").asText());
    }

    @Test
    void tamperedLicenseIsCommunityMode() throws Exception {
        CcRunner cc = cc();
        cc.run("license", "keygen");
        cc.run("license", "issue", "--plan", "basic", "--days", "30", "--out", licenseFile(cc).toString());
        Files.writeString(licenseFile(cc), Files.readString(licenseFile(cc)).replace("\"basic\"", "\"enterprise\""));

        CcRunner.Result r = cc.run("license", "status", "--json");

        assertEquals(1, r.exit());
        assertEquals("the license file " + licenseFile(cc) + " does not match its signature (it was altered after signing)",
                json(r).get("reason").asText());
    }

    @Test
    void issueWithoutAKeyOrWithBadInputIsOneLine() {
        CcRunner cc = cc();
        CcRunner.Result noKey = cc.run("license", "issue", "--plan", "pro", "--days", "3");
        assertEquals(2, noKey.exit());
        assertEquals(List.of("cc license issue: no signing key at "
                + cc.paths().userConfigDir().resolve("license-signing.key") + ": run 'cc license keygen' first"), noKey.errLines());

        cc.run("license", "keygen");
        CcRunner.Result badDays = cc.run("license", "issue", "--plan", "pro", "--days", "0");
        assertEquals(2, badDays.exit());
        assertEquals(List.of("cc license issue: --days must be between 1 and 36500, not 0"), badDays.errLines());

        CcRunner.Result missingPlan = cc.run("license", "issue", "--days", "3");
        assertEquals(2, missingPlan.exit());
        assertEquals(1, missingPlan.errLines().size());
    }

    @Test
    void issueWithoutOutPrintsTheLicenseDocument() throws Exception {
        CcRunner cc = cc();
        cc.run("license", "keygen");

        CcRunner.Result r = cc.run("license", "issue", "--plan", "pro", "--features", "zai_offload", "--days", "3");

        assertEquals(0, r.exit());
        JsonNode doc = json(r);
        assertEquals("ccp-license/1", doc.get("format").asText());
        assertEquals("pro", doc.get("license").get("plan").asText());
        assertEquals(NOW.toString(), doc.get("license").get("issued_at").asText());
        assertFalse(doc.get("signature").asText().isBlank());
    }
}
