package dev.ccp.proxy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyConfigTest {
    @Test
    void portComesFromTheArgumentThenCcpPortThenMitmPortThen8082() {
        assertEquals(8082, ProxyConfig.from(new String[0], Map.of()).port());
        assertEquals(9001, ProxyConfig.from(new String[0], Map.of("MITM_PORT", "9001")).port());
        assertEquals(9002, ProxyConfig.from(new String[0], Map.of("MITM_PORT", "9001", "CCP_PORT", "9002")).port());
        assertEquals(9003, ProxyConfig.from(new String[]{"--port", "9003"}, Map.of("CCP_PORT", "9002")).port());
        assertEquals(9004, ProxyConfig.from(new String[]{"--port=9004"}, Map.of()).port());
    }

    @Test
    void bindsLoopbackUnlessTold() {
        assertEquals("127.0.0.1", ProxyConfig.from(new String[0], Map.of()).host());
        assertEquals("0.0.0.0", ProxyConfig.from(new String[]{"--host", "0.0.0.0"}, Map.of()).host());
    }

    @Test
    void wrongValuesAreNamedInOneLine() {
        assertEquals("MITM_PORT=eighty is not a port number (0-65535)", assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.from(new String[0], Map.of("MITM_PORT", "eighty"))).getMessage());
        assertEquals("CCP_SSE_IDLE_TIMEOUT=soon is not a duration (examples: 45s, 1m30s, 500ms)",
                assertThrows(IllegalArgumentException.class,
                        () -> ProxyConfig.from(new String[0], Map.of("CCP_SSE_IDLE_TIMEOUT", "soon"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.from(new String[0], Map.of("CCP_MAX_BODY", "lots"))).getMessage().startsWith("CCP_MAX_BODY=lots"));
    }

    @Test
    void togglesTimeoutsAndBodyLimitFollowTheGuidesVariables() {
        ProxyConfig c = ProxyConfig.from(new String[0], Map.of("MITM_FORCE_H1", "1", "OFFLOAD_PAUSED", "true",
                "CCP_JSON_TIMEOUT", "1m30s", "CCP_HEADER_TIMEOUT", "500ms", "CCP_MAX_BODY", "512KiB"));
        assertTrue(c.forceH1());
        assertTrue(c.paused());
        assertEquals(Duration.ofSeconds(90), c.timeouts().json());
        assertEquals(Duration.ofMillis(500), c.timeouts().header());
        assertEquals(Duration.ofSeconds(180), c.timeouts().sseIdle());
        assertEquals(512 * 1024, c.maxBodyBytes());
        ProxyConfig d = ProxyConfig.from(new String[0], Map.of());
        assertFalse(d.forceH1());
        assertEquals(32L << 20, d.maxBodyBytes());
    }

    @Test
    void zaiHeaderModeOverridesTheCatalog() {
        assertEquals("authorization", ProxyConfig.from(new String[0], Map.of("ZAI_HEADER_MODE", "authorization"))
                .loadCatalog().providers().get("zai").headerMode());
        assertEquals("x-api-key", ProxyConfig.from(new String[0], Map.of()).loadCatalog().providers().get("zai").headerMode());
    }

    @Test
    void anOnOffVariableWithAnyOtherValueStopsTheStartNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.from(new String[0], Map.of("MITM_FORCE_H1", "ture")));
        assertEquals("MITM_FORCE_H1=ture is neither on nor off (use 1 or 0)", e.getMessage());
        for (String name : java.util.List.of("OFFLOAD_PAUSED", "FORCE_HAIKU_TO_ZAI", "MITM_ENABLE_BACKOFF")) {
            assertThrows(IllegalArgumentException.class, () -> ProxyConfig.from(new String[0], Map.of(name, "maybe")), name);
        }
        assertTrue(ProxyConfig.from(new String[0], Map.of("MITM_FORCE_H1", "On")).forceH1());
        assertFalse(ProxyConfig.from(new String[0], Map.of("MITM_FORCE_H1", "0", "OFFLOAD_PAUSED", "off")).paused());
    }
}
