package dev.ccp.projector;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    @Test
    void theGuideDefaultsApplyWhenNothingIsSet() {
        Settings s = Settings.fromEnv(Map.of());
        assertEquals(Duration.ofDays(7), s.sampleTtl());
        assertEquals(Duration.ofMinutes(5), s.rollupInterval());
        assertEquals(Duration.ofHours(1), s.lostAfter());
    }

    @Test
    void variablesAreReadInTheGuidesUnits() {
        Settings s = Settings.fromEnv(Map.of("CCP_SAMPLE_TTL_DAYS", "1.5", "CCP_ROLLUP_INTERVAL", "30s", "CCP_LOST_AFTER", "2h"));
        assertEquals(Duration.ofHours(36), s.sampleTtl());
        assertEquals(Duration.ofSeconds(30), s.rollupInterval());
        assertEquals(Duration.ofHours(2), s.lostAfter());
        assertEquals(Duration.ZERO, Settings.fromEnv(Map.of("CCP_ROLLUP_INTERVAL", "0")).rollupInterval());
    }

    @Test
    void malformedValuesAreRefusedNamingTheVariable() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.fromEnv(Map.of("CCP_SAMPLE_TTL_DAYS", "a week")))
                .getMessage().startsWith("CCP_SAMPLE_TTL_DAYS=a week"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.fromEnv(Map.of("CCP_SAMPLE_TTL_DAYS", "0")))
                .getMessage().startsWith("CCP_SAMPLE_TTL_DAYS=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.fromEnv(Map.of("CCP_LOST_AFTER", "0")))
                .getMessage().startsWith("CCP_LOST_AFTER=0"));
    }
}
