package dev.ccp.policy.quota;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotaLoaderTest {
    private static final Set<String> PROVIDERS = Set.of("anthropic", "zai");

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleLoadsAsDocumented() {
        QuotaConfig c = QuotaLoader.load(ChildJvm.projectRoot().resolve("configs/quotas.example.yaml"), PROVIDERS);
        assertEquals(Map.of("zai", "anthropic"), c.fallbacks());
        Quota zai = c.quotas().getFirst();
        assertEquals("zai-coding-plan", zai.name());
        assertEquals(Duration.ofHours(5), zai.window());
        assertEquals(new Limits(600, 0, 0, 0), zai.rolling());
        assertEquals(new Limits(6000, 0, 0, 0), zai.weekly());
        assertEquals(80, zai.warnPct());
        Quota opus = c.quotas().get(1);
        assertTrue(opus.covers("anthropic", "claude-opus-4-1"));
        assertTrue(opus.covers("zai", "Claude-Opus-4"));
        assertFalse(opus.covers("anthropic", "claude-sonnet-4-5"));
        assertEquals(Quota.NO_FALLBACK, opus.fallback());
    }

    @Test
    void mistakesAreRefusedInOneLineNamingTheFileAndTheProblem() {
        String[][] cases = {
                {"quotas: [ { name: a, provider: zai, rolling: { requests: 0 } } ]", "requests must be a whole number above 0"},
                {"quotas: [ { name: a, provider: zai } ]", "has no cap"},
                {"quotas: [ { name: a, rolling: { requests: 3 } } ]", "needs a provider or a model"},
                {"quotas: [ { name: a, provider: mars, rolling: { requests: 3 } } ]", "unknown provider mars"},
                {"quotas: [ { name: a, provider: zai, window: 9d, rolling: { requests: 3 } } ]", "between 1m and 7d"},
                {"quotas: [ { name: a, provider: zai, warn_pct: 90, block_pct: 80, rolling: { requests: 3 } } ]", "above block_pct"},
                {"quotas: [ { name: a, provider: zai, rolling: { requests: 3 } }, { name: a, provider: zai, weekly: { requests: 3 } } ]", "defined twice"},
                {"quota: []", "unknown key quota"},
                {"quotas: [ { name: a, provider: zai, rolling: { requests: 3 }", "not valid YAML"},
        };
        for (String[] c : cases) {
            QuotaConfigException e = assertThrows(QuotaConfigException.class, () -> QuotaLoader.parse(c[0], "q.yaml", PROVIDERS), c[0]);
            assertTrue(e.getMessage().matches("q\\.yaml:\\d+: .*") && e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void meaningMistakesPointAtTheLineThatHoldsThem() {
        String yaml = """
                fallbacks:
                  zai: anthropic
                quotas:
                  - name: fine
                    provider: zai
                    rolling: { requests: 3 }
                  - name: typo
                    provider: zai
                    rolling:
                      requests: 3
                      output_tokenz: 5
                """;
        QuotaConfigException typo = assertThrows(QuotaConfigException.class, () -> QuotaLoader.parse(yaml, "q.yaml", PROVIDERS));
        assertTrue(typo.getMessage().startsWith("q.yaml:11: quota typo rolling has unknown key output_tokenz"), typo.getMessage());

        QuotaConfigException mars = assertThrows(QuotaConfigException.class, () -> QuotaLoader.parse(
                "quotas:\n  - name: a\n    provider: mars\n    rolling: { requests: 3 }\n", "q.yaml", PROVIDERS));
        assertTrue(mars.getMessage().startsWith("q.yaml:3: quota a names unknown provider mars"), mars.getMessage());

        QuotaConfigException zero = assertThrows(QuotaConfigException.class, () -> QuotaLoader.parse(
                "quotas:\n  - name: a\n    provider: zai\n    weekly:\n      requests: 0\n", "q.yaml", PROVIDERS));
        assertTrue(zero.getMessage().startsWith("q.yaml:5: quota a weekly requests must be a whole number above 0, not 0"),
                zero.getMessage());
    }

    @Test
    void theActiveFileIsTheVariableThenTheProjectThenTheUserFile() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        assertTrue(QuotaLoader.activeFile(Map.of(), paths).isEmpty());
        assertEquals(QuotaConfig.NONE, QuotaLoader.loadActive(Map.of(), paths, PROVIDERS));
        Files.createDirectories(paths.userConfigDir());
        Files.writeString(paths.userConfigDir().resolve("quotas.yaml"), "quotas: []\n");
        assertEquals(paths.userConfigDir().resolve("quotas.yaml"), QuotaLoader.activeFile(Map.of(), paths).orElseThrow());
        Files.createDirectories(paths.configsDir());
        Files.writeString(paths.configsDir().resolve("quotas.yaml"), "quotas: []\n");
        assertEquals(paths.configsDir().resolve("quotas.yaml"), QuotaLoader.activeFile(Map.of(), paths).orElseThrow());
        assertEquals(dir.resolve("mine.yaml"), QuotaLoader.activeFile(Map.of("CCP_QUOTAS_FILE", "mine.yaml"), paths).orElseThrow());
    }
}
