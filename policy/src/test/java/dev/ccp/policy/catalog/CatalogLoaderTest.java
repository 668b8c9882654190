package dev.ccp.policy.catalog;

import dev.ccp.events.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogLoaderTest {

    @Test
    void theExampleFileDescribesTheBuiltInPolicy() {
        Catalog example = CatalogLoader.load(ChildJvm.projectRoot().resolve("configs/providers.example.yaml"));
        Catalog builtIn = Catalog.builtIn();
        assertEquals(builtIn.providers(), example.providers());
        assertEquals(builtIn.routes(), example.routes());
        assertEquals(builtIn.defaultProvider(), example.defaultProvider());
    }

    @Test
    void moreThanTwoProvidersModelRewriteAndLicenseKeysAreKept() {
        Catalog c = CatalogLoader.parse("""
                providers:
                  anthropic: { base_url: https://api.anthropic.com/, auth: passthrough }
                  zai: { base_url: https://api.z.ai/api/anthropic, auth_env: ZAI_API_KEY, header_mode: authorization }
                  other: { base_url: http://127.0.0.1:9999/x, auth_env: OTHER_KEY }
                routes:
                  - { match: haiku, provider: zai, upstream_model: glm-4.5-air }
                  - { match: opus, provider: other }
                default_provider: anthropic
                license_public_keys: [ "AAAA", "BBBB" ]
                future_key: ignored
                """, "test.yaml");
        assertEquals(3, c.providers().size());
        assertEquals("https://api.anthropic.com", c.providers().get("anthropic").baseUrl().toString());
        assertEquals("authorization", c.providers().get("zai").headerMode());
        assertEquals("x-api-key", c.providers().get("other").headerMode());
        assertEquals("glm-4.5-air", c.routeFor("claude-3-5-HAIKU-latest").orElseThrow().upstreamModel());
        assertNull(c.routeFor("claude-opus-4").orElseThrow().upstreamModel());
        assertEquals(java.util.List.of("AAAA", "BBBB"), c.licensePublicKeys());
    }

    @Test
    void aRouteToAnUnknownProviderIsRefusedNamingTheFile() {
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogLoader.parse("""
                providers:
                  anthropic: { base_url: https://api.anthropic.com, auth: passthrough }
                routes: [ { match: haiku, provider: zia } ]
                """, "my.yaml"));
        assertTrue(e.getMessage().startsWith("my.yaml:3: route 1 (match haiku) names unknown provider zia"), e.getMessage());
    }

    @Test
    void aProviderWithoutBaseUrlIsRefused() {
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogLoader.parse("""
                providers:
                  anthropic: { auth: passthrough }
                """, "my.yaml"));
        assertEquals("my.yaml:2: provider anthropic has no base_url", e.getMessage());
    }

    @Test
    void aKeyedProviderWithoutItsVariableIsRefusedRatherThanPassingClientCredentials() {
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogLoader.parse("""
                providers:
                  zai: { base_url: https://api.z.ai/api/anthropic, auth: env }
                """, "my.yaml"));
        assertTrue(e.getMessage().startsWith("my.yaml:2: provider zai has auth: env"), e.getMessage());
    }

    @Test
    void brokenYamlIsRefusedWithItsLine() {
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogLoader.parse("""
                providers:
                  anthropic:
                    base_url: [unclosed
                """, "my.yaml"));
        assertTrue(e.getMessage().matches("my\\.yaml:\\d+: not valid YAML.*"), e.getMessage());
    }
}
