package dev.ccp.proxy.control;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Decisions;
import dev.ccp.events.Event;
import dev.ccp.policy.catalog.CatalogFiles;
import dev.ccp.policy.license.License;
import dev.ccp.policy.license.LicenseDocument;
import dev.ccp.policy.license.LicenseKeys;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRequest;
import dev.ccp.proxy.routing.RoutingPolicy;
import dev.ccp.proxy.upstream.AttemptPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control plane on its own: reloads, licenses and the count_tokens memory, with a clock the test moves. */
class ControlPlaneTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final RouteRequest HAIKU = new RouteRequest("claude-haiku-4-5", "POST", "/v1/messages", true);

    @TempDir
    Path dir;
    final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    final InstantSource clock = () -> now.get();
    final List<Event.ConfigChanged> events = new CopyOnWriteArrayList<>();

    private CcpPaths paths() {
        return CcpPaths.under(dir);
    }

    private Path catalogFile() {
        return paths().configsDir().resolve("providers.yaml");
    }

    private ControlPlane start(Map<String, String> env) {
        ControlPlane c = ControlPlane.load(CatalogFiles.of(paths(), env, null), env, paths(), false, clock);
        c.start(e -> events.add((Event.ConfigChanged) e), "px_test", Duration.ZERO);
        return c;
    }

    /** A license for zai_offload signed by {@code signer}, whose public key the catalog lists when {@code trusted}. */
    private void license(KeyPair signer, boolean trusted, Instant from, Duration valid) throws Exception {
        Files.createDirectories(paths().configsDir());
        Files.writeString(catalogFile(), trusted
                ? "license_public_keys: [ " + LicenseKeys.publicKeyBase64(signer.getPublic()) + " ]\n"
                : "license_public_keys: [ " + LicenseKeys.publicKeyBase64(LicenseKeys.generate().getPublic()) + " ]\n");
        Files.createDirectories(paths().userConfigDir());
        Files.writeString(paths().userConfigDir().resolve("license.json"), LicenseDocument.sign(
                new License("pro", List.of("zai_offload"), "tests", from, from.plus(valid)), signer.getPrivate(), signer.getPublic()));
    }

    private RouteDecision decide(ControlPlane c, RouteRequest r) {
        return c.routingPolicy().build().decide(r);
    }

    @Test
    void aValidLicenseLetsHaikuGoToZai() throws Exception {
        license(LicenseKeys.generate(), true, NOW.minusSeconds(60), Duration.ofDays(1));
        try (ControlPlane c = start(Map.of("ZAI_API_KEY", "k"))) {
            assertTrue(c.license().ok(), c.license().reason());
            assertEquals(Decisions.MODEL_ROUTE, decide(c, HAIKU).decision());
            assertEquals("zai", decide(c, HAIKU).provider().name());
        }
    }

    @Test
    void licenseSignedByAnUnknownKeyIsCommunityModeAndBlocksOffload() throws Exception {
        license(LicenseKeys.generate(), false, NOW.minusSeconds(60), Duration.ofDays(1));
        try (ControlPlane c = start(Map.of("ZAI_API_KEY", "k"))) {
            assertFalse(c.license().ok());
            assertTrue(c.license().reason().contains("which is not a trusted license key"), c.license().reason());
            assertLicenseBlock(c);
        }
    }

    @Test
    void expiredLicenseIsCommunityModeAndBlocksOffload() throws Exception {
        license(LicenseKeys.generate(), true, NOW.minus(Duration.ofDays(2)), Duration.ofDays(1));
        try (ControlPlane c = start(Map.of("ZAI_API_KEY", "k"))) {
            assertTrue(c.license().reason().contains("expired at"), c.license().reason());
            assertLicenseBlock(c);
        }
    }

    @Test
    void tamperedLicenseIsCommunityModeAndBlocksOffload() throws Exception {
        license(LicenseKeys.generate(), true, NOW.minusSeconds(60), Duration.ofDays(1));
        Path file = paths().userConfigDir().resolve("license.json");
        Files.writeString(file, Files.readString(file).replace("\"pro\"", "\"enterprise\""));
        try (ControlPlane c = start(Map.of("ZAI_API_KEY", "k"))) {
            assertTrue(c.license().reason().contains("does not match its signature"), c.license().reason());
            assertLicenseBlock(c);
        }
    }

    private void assertLicenseBlock(ControlPlane c) {
        assertEquals("community", c.license().plan());
        RouteDecision d = decide(c, HAIKU);
        assertEquals(Decisions.LICENSE_BLOCK, d.decision());
        assertEquals("anthropic", d.provider().name());
        assertTrue(c.warnings().contains("zai_offload is not licensed (community mode): haiku requests go to anthropic"
                + " (decision license_block)"), c.warnings().toString());
        Event.ConfigChanged l = events.stream().filter(e -> e.kind().equals("license")).findFirst().orElseThrow();
        assertFalse(l.accepted());
        assertTrue(l.detail().contains("\"plan\":\"community\""), l.detail());
    }

    @Test
    void aLicenseThatExpiresWhileRunningTurnsCommunityModeOn() throws Exception {
        license(LicenseKeys.generate(), true, NOW.minusSeconds(60), Duration.ofHours(1));
        try (ControlPlane c = start(Map.of("ZAI_API_KEY", "k"))) {
            assertTrue(c.license().ok());
            now.set(NOW.plus(Duration.ofHours(2)));
            c.poll();
            assertFalse(c.license().ok());
            assertEquals(Decisions.LICENSE_BLOCK, decide(c, HAIKU).decision());
        }
    }

    @Test
    void aRefusedReloadKeepsTheLastGoodCatalogAndIsRecorded() throws Exception {
        license(LicenseKeys.generate(), true, NOW.minusSeconds(60), Duration.ofDays(1));
        Path user = paths().userConfigDir().resolve("providers.yaml");
        Files.writeString(user, """
                providers:
                  other: { base_url: "http://127.0.0.1:9/o", auth_env: ZAI_API_KEY }
                routes: [ { match: opus, provider: other } ]
                """);
        try (ControlPlane c = start(Map.of("ZAI_API_KEY", "k"))) {
            RouteRequest opus = new RouteRequest("claude-opus-4", "POST", "/v1/messages", true);
            assertEquals("other", decide(c, opus).provider().name());

            Files.writeString(user, """
                    providers:
                      other: { base_url: "http://127.0.0.1:9/o", auth_env: ZAI_API_KEY }
                    routes:
                      - { match: opus, provider: othre }
                    """);
            c.poll();

            assertEquals("other", decide(c, opus).provider().name(), "the last good catalog stays in force");
            String why = user + ":4: route 1 (match opus) names unknown provider othre (known: anthropic, zai, other)";
            assertEquals(why, c.lastReloadError());
            Event.ConfigChanged refused = events.getLast();
            assertEquals("providers", refused.kind());
            assertFalse(refused.accepted());
            assertEquals(why, refused.error());
            assertEquals(user.toString(), refused.source());

            Files.writeString(user, "routes: [ { match: opus, provider: anthropic } ]\n");
            c.poll();
            assertEquals("anthropic", decide(c, opus).provider().name());
            assertTrue(events.getLast().accepted());
            assertEquals(null, c.lastReloadError());
        }
    }

    @Test
    void aProviderThatAnswered404ForCountTokensIsSkippedForAWhile() throws Exception {
        license(LicenseKeys.generate(), true, NOW.minusSeconds(60), Duration.ofDays(1));
        try (ControlPlane c = start(Map.of("ZAI_API_KEY", "k"))) {
            RouteRequest count = new RouteRequest("claude-haiku-4-5", "POST", "/v1/messages/count_tokens", true);
            RouteDecision first = decide(c, count);
            assertEquals("zai", first.provider().name());

            AttemptPolicy.Next next = c.attemptPolicy().afterAttempt(
                    new AttemptPolicy.Attempt(1, count, first, 404, null, new byte[0], null, 10));
            AttemptPolicy.Next.Retry retry = assertInstanceOf(AttemptPolicy.Next.Retry.class, next);
            assertEquals(Decisions.FALLBACK_UNSUPPORTED, retry.decision().decision());
            assertEquals("anthropic", retry.decision().provider().name());

            assertEquals(Decisions.FALLBACK_UNSUPPORTED, decide(c, count).decision(), "remembered");
            assertEquals(Decisions.MODEL_ROUTE, decide(c, HAIKU).decision(), "only count_tokens is affected");
            now.set(NOW.plus(ControlPlane.UNSUPPORTED_MEMORY).plusSeconds(1));
            assertEquals(Decisions.MODEL_ROUTE, decide(c, count).decision(), "forgotten after a while");
        }
    }
}
