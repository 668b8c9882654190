package dev.ccp.cli.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.EventFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleCommandTest {
    private static final String ZAI_KEY = "0123456789abcdef0123456789abcdef.zaiSECRETvalue";

    @TempDir
    Path root;

    private CcRunner checkout() throws Exception {
        CcRunner cc = new CcRunner(root.resolve("checkout"), InstantSource.fixed(Instant.parse("2026-11-24T10:15:30Z")))
                .env("CCP_BUNDLE_DIR", root.resolve("downloads").toString())
                .env("ZAI_API_KEY", ZAI_KEY);
        Path home = cc.paths().home();
        Files.createDirectories(home.resolve("docs"));
        Files.writeString(home.resolve("docs/OPERATOR-GUIDE.md"), "# guide\nAuthorization: Bearer KEY is how the key is sent\n");
        Files.createDirectories(home.resolve("configs"));
        Files.writeString(home.resolve("configs/providers.example.yaml"), "providers: {}\n");
        Files.createDirectories(home.resolve("proxy/src/main/java"));
        Files.writeString(home.resolve("proxy/pom.xml"), "<project/>\n");
        Files.writeString(home.resolve("proxy/src/main/java/Main.java"), "class Main {}\n");
        Files.createDirectories(home.resolve("proxy/src/test/java"));
        Files.writeString(home.resolve("proxy/src/test/java/KeyTest.java"), "String k = \"sk-ant-api03-FAKEFAKEFAKE\";\n");
        Files.writeString(home.resolve("Makefile"), "all:\n");
        Files.createDirectories(cc.paths().resultsDir());
        Files.writeString(cc.paths().resultsDir().resolve("TESTS.md"), "# Test results\n");
        new EventFixture(cc.paths(), Instant.parse("2026-11-24T09:00:00Z")).haikuOnZai().sonnetOnAnthropic().project();
        return cc;
    }

    @Test
    void bundleCollectsResultsLogsDocsConfigsAndSourceIntoAFolderAndATarball() throws Exception {
        CcRunner cc = checkout();

        CcRunner.Result r = cc.run("bundle", "--json");

        assertEquals(0, r.exit(), r.toString());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        Path dir = root.resolve("downloads/ccp-review-20261124-101530");
        assertEquals(dir.toString(), doc.get("dir").asText());
        for (String f : List.of("results/TESTS.md", "results/METRICS.json", "results/verify-routing.txt",
                "results/verify-routing.json", "logs/usage.jsonl", "docs/OPERATOR-GUIDE.md",
                "configs/providers.example.yaml", "proxy/pom.xml", "proxy/src/main/java/Main.java", "Makefile", "MANIFEST.md")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertFalse(Files.exists(dir.resolve("proxy/src/test")), "test sources (with their planted fake keys) stay out");
        assertTrue(Files.readString(dir.resolve("results/verify-routing.txt")).startsWith("routing decisions sent to Z.AI: 50.0% (1 of 2)"));
        assertEquals(Files.readString(cc.paths().usageJsonl()), Files.readString(dir.resolve("logs/usage.jsonl")));
        assertTrue(Files.readString(dir.resolve("MANIFEST.md")).contains("ZAI_API_KEY"));
        assertFalse(Files.readString(dir.resolve("MANIFEST.md")).contains(ZAI_KEY));

        Path tgz = Path.of(doc.get("tgz").asText());
        assertEquals(root.resolve("downloads/ccp-review-20261124-101530.tgz"), tgz);
        Process tar = new ProcessBuilder("tar", "-tzf", tgz.toString()).redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes());
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS));
        assertTrue(listing.contains("ccp-review-20261124-101530/logs/usage.jsonl"), listing);

        CcRunner.Result again = cc.run("bundle");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().startsWith("bundle: " + root.resolve("downloads/ccp-review-20261124-101530-2")), again.out());
    }

    @Test
    void bundleRefusesAPlantedKeyNamingTheFileAndLeavesNothingBehind() throws Exception {
        CcRunner cc = checkout();
        Files.writeString(cc.paths().home().resolve("configs/providers.yaml"), "# zai key: " + ZAI_KEY + "\n");

        CcRunner.Result r = cc.run("bundle");

        assertEquals(1, r.exit(), r.toString());
        assertEquals(List.of("cc bundle: key-shaped content in configs/providers.yaml (line 1: the value of ZAI_API_KEY);"
                + " the bundle was removed: take the key out and run it again"), r.errLines());
        assertFalse(r.err().contains(ZAI_KEY));
        try (Stream<Path> left = Files.list(root.resolve("downloads"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void bundleRefusesAnAnthropicKeyOrBearerValueInTheResultsOrDocs() throws Exception {
        CcRunner cc = checkout();
        Files.writeString(cc.paths().home().resolve("docs/notes.md"), "curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123'\n");
        CcRunner.Result bearer = cc.run("bundle");
        assertEquals(1, bearer.exit(), bearer.toString());
        assertTrue(bearer.err().contains("docs/notes.md (line 1: a Bearer value)"), bearer.err());

        Files.delete(cc.paths().home().resolve("docs/notes.md"));
        Files.writeString(cc.paths().resultsDir().resolve("TESTS.md"), "# Test results\nfailed with sk-ant-api03-abcdefghijklmnop\n");
        CcRunner.Result anthropic = cc.run("bundle");
        assertEquals(1, anthropic.exit(), anthropic.toString());
        assertTrue(anthropic.err().contains("results/TESTS.md (line 2: an sk-ant- key)"), anthropic.err());
    }

    @Test
    void bundleRefusesAPrivateKeyLikeTheInterceptionCasCopiedIntoTheCheckout() throws Exception {
        CcRunner cc = checkout();
        assertEquals(0, cc.run("ca").exit());
        Files.createDirectories(cc.paths().home().resolve("configs"));
        Files.copy(cc.paths().userConfigDir().resolve("ca/ca.key"), cc.paths().home().resolve("configs/ca.key"));
        CcRunner.Result r = cc.run("bundle");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("configs/ca.key (line 1: a private key)"), r.err());
    }
}
