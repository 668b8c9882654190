package dev.ccp.policy.license;

import dev.ccp.events.Json;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The license file as issued: its layout, and that what it says is what was signed. */
class LicenseDocumentTest {
    private static final KeyPair ISSUER = LicenseKeys.generate();

    @Test
    void anIssuedFileIsJacksonsPrettyLayoutOfItsFieldsAndVerifies() throws Exception {
        License license = new License("pro", List.of("zai_offload", "teams"), "Jane \"J\" Opérateur",
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));

        String text = LicenseDocument.sign(license, ISSUER.getPrivate(), ISSUER.getPublic());

        assertEquals(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(text)) + "\n", text);
        assertTrue(text.startsWith("{\n  \"format\" : \"ccp-license/1\",\n  \"license\" : {\n    \"plan\" : \"pro\",\n"
                + "    \"features\" : [ \"zai_offload\", \"teams\" ],\n    \"holder\" : \"Jane \\\"J\\\" Opérateur\",\n"), text);
        LicenseDocument.Parsed parsed = LicenseDocument.parse(text);
        assertEquals(LicenseKeys.keyId(ISSUER.getPublic()), parsed.keyId());
        assertTrue(LicenseDocument.verifies(parsed, ISSUER.getPublic()));
        assertEquals(license, LicenseDocument.fields(parsed.license()));
    }

    @Test
    void withoutHolderOrFeaturesTheFieldsAreLeftOutOrEmpty() throws Exception {
        License license = new License("community-plus", List.of(), null,
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));

        String text = LicenseDocument.sign(license, ISSUER.getPrivate(), ISSUER.getPublic());

        assertTrue(text.contains("\"features\" : [ ],\n    \"issued_at\""), text);
        assertTrue(LicenseDocument.verifies(LicenseDocument.parse(text), ISSUER.getPublic()));
    }
}
