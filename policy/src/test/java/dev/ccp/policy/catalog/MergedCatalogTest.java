package dev.ccp.policy.catalog;

import dev.ccp.events.CcpPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layers: built-in policy < configs/providers.yaml < ~/.config/ccp/providers.yaml < CCP_PROVIDERS_FILE < variables. */
class MergedCatalogTest {
    @TempDir
    Path dir;

    private CcpPaths paths() {
        return CcpPaths.under(dir);
    }

    private Path write(Path file, String yaml) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void eachLayerOverridesTheOneBelowAndEveryValueSaysWhereItCameFrom() throws Exception {
        Path project = write(paths().configsDir().resolve("providers.yaml"), """
                providers:
                  zai:
                    base_url: https://zai.example/api/anthropic
                  other:
                    base_url: https://llm.example.com/anthropic
                    auth_env: OTHER_API_KEY
                    header_mode: authorization
                routes:
                  - match: haiku
                    provider: zai
                  - match: opus
                    provider: other
                license_public_keys: [ "KEY-A" ]
                """);
        Path user = write(paths().userConfigDir().resolve("providers.yaml"), """
                providers:
                  zai:
                    header_mode: authorization
                routes:
                  - match: haiku
                    provider: zai
                    upstream_model: glm-4.5-air
                """);
        Path named = write(dir.resolve("ops.yaml"), """
                default_provider: anthropic
                license_public_keys:
                  - KEY-B
                """);
        Map<String, String> env = Map.of("CCP_PROVIDERS_FILE", named.toString(), "ZAI_HEADER_MODE", "x-api-key");

        MergedCatalog m = MergedCatalog.load(CatalogFiles.of(paths(), env, null), env);

        Catalog c = m.catalog();
        assertEquals(List.of("anthropic", "zai", "other"), List.copyOf(c.providers().keySet()), "more than two providers");
        assertEquals("https://zai.example/api/anthropic", c.providers().get("zai").baseUrl().toString());
        assertEquals("x-api-key", c.providers().get("zai").headerMode(), "the variable beats the user file");
        assertEquals("ZAI_API_KEY", c.providers().get("zai").authEnv(), "fields a layer does not set come from below");
        assertEquals(List.of(new Route("haiku", "zai", "glm-4.5-air")), c.routes(), "a layer's routes replace the list");
        assertEquals(List.of("KEY-A", "KEY-B"), c.licensePublicKeys(), "license keys add up");

        assertEquals(List.of("policy", project.toString(), user.toString(), named.toString(), "ZAI_HEADER_MODE"), m.layers());
        assertEquals("policy", m.where("providers.anthropic.base_url").toString());
        assertEquals(project + ":3", m.where("providers.zai.base_url").toString());
        assertEquals("ZAI_HEADER_MODE", m.where("providers.zai.header_mode").toString());
        assertEquals("policy", m.where("providers.zai.auth").toString());
        assertEquals(project + ":4", m.where("providers.other").toString());
        assertEquals(project + ":7", m.where("providers.other.header_mode").toString());
        assertEquals(user + ":5", m.where("routes[0]").toString());
        assertEquals(named + ":1", m.where("default_provider").toString());
        assertEquals(project + ":13", m.where("license_public_keys[0]").toString());
        assertEquals(named + ":3", m.where("license_public_keys[1]").toString());
    }

    @Test
    void withoutFilesTheBuiltInPolicyIsInForce() {
        MergedCatalog m = MergedCatalog.load(CatalogFiles.of(paths(), Map.of(), null), Map.of());
        assertEquals(Catalog.builtIn().providers(), m.catalog().providers());
        assertEquals(Catalog.builtIn().routes(), m.catalog().routes());
        assertEquals(List.of("policy"), m.layers());
        assertEquals("policy", m.where("routes[0]").toString());
    }

    @Test
    void aLayerSayingPassthroughReplacesTheKeyBelowIt() throws Exception {
        write(paths().userConfigDir().resolve("providers.yaml"), """
                providers:
                  zai: { base_url: http://127.0.0.1:9/x, auth: passthrough }
                """);
        Provider zai = MergedCatalog.load(CatalogFiles.of(paths(), Map.of(), null), Map.of()).catalog().providers().get("zai");
        assertTrue(zai.passesClientCredentials());
        assertNull(zai.authEnv());
    }

    @Test
    void aRouteToAnUnknownProviderIsRefusedWithTheFileAndLineOfTheRoute() throws Exception {
        Path user = write(paths().userConfigDir().resolve("providers.yaml"), """
                # my overrides
                routes:
                  - match: haiku
                    provider: zai
                  - match: opus
                    provider: nowhere
                """);
        CatalogException e = assertThrows(CatalogException.class,
                () -> MergedCatalog.load(CatalogFiles.of(paths(), Map.of(), null), Map.of()));
        assertEquals(user + ":5: route 2 (match opus) names unknown provider nowhere (known: anthropic, zai)", e.getMessage());
    }

    @Test
    void aNewProviderWithoutBaseUrlIsRefusedWithItsLine() throws Exception {
        Path project = write(paths().configsDir().resolve("providers.yaml"), """
                providers:
                  other:
                    auth_env: OTHER_KEY
                """);
        CatalogException e = assertThrows(CatalogException.class,
                () -> MergedCatalog.load(CatalogFiles.of(paths(), Map.of(), null), Map.of()));
        assertEquals(project + ":2: provider other has no base_url", e.getMessage());
    }

    @Test
    void badYamlAndAMissingNamedFileAreRefusedNamingTheFile() throws Exception {
        Path project = write(paths().configsDir().resolve("providers.yaml"), "providers:\n  zai: { base_url: [\n");
        CatalogException yaml = assertThrows(CatalogException.class,
                () -> MergedCatalog.load(CatalogFiles.of(paths(), Map.of(), null), Map.of()));
        assertTrue(yaml.getMessage().matches(java.util.regex.Pattern.quote(project.toString()) + ":\\d+: not valid YAML.*"),
                yaml.getMessage());

        Files.delete(project);
        Map<String, String> env = Map.of("CCP_PROVIDERS_FILE", "nope.yaml");
        CatalogException missing = assertThrows(CatalogException.class,
                () -> MergedCatalog.load(CatalogFiles.of(paths(), env, null), env));
        assertEquals(dir.resolve("nope.yaml") + ": the providers file does not exist", missing.getMessage());
    }

    @Test
    void forceHaikuToZaiPutsTheHaikuRouteFirst() throws Exception {
        write(paths().userConfigDir().resolve("providers.yaml"), "routes: []\n");
        Map<String, String> env = Map.of("FORCE_HAIKU_TO_ZAI", "1");
        MergedCatalog m = MergedCatalog.load(CatalogFiles.of(paths(), env, null), env);
        assertEquals(List.of(new Route("haiku", "zai", null)), m.catalog().routes());
        assertEquals("FORCE_HAIKU_TO_ZAI", m.where("routes[0]").toString());
    }
}
