package dev.ccp.policy.license;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ccp.events.Json;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The license file format, {@code ccp-license/1}:
 * <pre>
 * {"format":"ccp-license/1",
 *  "license":{"plan":"pro","features":["zai_offload"],"holder":"Jane","issued_at":"…Z","expires_at":"…Z"},
 *  "key_id":"0123456789abcdef",
 *  "signature":"base64 Ed25519 signature"}
 * </pre>
 * The signature covers {@code "ccp-license/1\n"} followed by the canonical form of the
 * {@code license} object ({@link CanonicalJson}). {@code key_id} only says which key to try first.
 */
public final class LicenseDocument {
    public static final String FORMAT = "ccp-license/1";
    /** Writes the file: jackson-core alone, since an {@code ObjectMapper}'s start costs a short-lived {@code cc license issue} more than the rest. */
    private static final JsonFactory WRITER = new JsonFactory();

    /** Reads license files; built on first use, so that issuing one does not start it. */
    private static final class Reader {
        static final ObjectMapper JSON = Json.MAPPER;
    }

    private LicenseDocument() {
    }

    /** The signed file text for {@code license}, signed with {@code privateKey} (whose public half is {@code publicKey}). */
    public static String sign(License license, PrivateKey privateKey, PublicKey publicKey) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("plan", license.plan());
        ArrayNode features = body.putArray("features");
        license.features().forEach(features::add);
        if (license.holder() != null) {
            body.put("holder", license.holder());
        }
        body.put("issued_at", license.issuedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("expires_at", license.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
        byte[] signature;
        try {
            Signature signer = Signature.getInstance(LicenseKeys.ALGORITHM);
            signer.initSign(privateKey);
            signer.update(signedBytes(body));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
        // Jackson's default pretty printing, as the mapper's writerWithDefaultPrettyPrinter() wrote it.
        StringWriter text = new StringWriter();
        try (JsonGenerator g = WRITER.createGenerator(text).setPrettyPrinter(new DefaultPrettyPrinter())) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeObjectFieldStart("license");
            g.writeStringField("plan", license.plan());
            g.writeArrayFieldStart("features");
            for (String f : license.features()) {
                g.writeString(f);
            }
            g.writeEndArray();
            if (license.holder() != null) {
                g.writeStringField("holder", license.holder());
            }
            g.writeStringField("issued_at", body.get("issued_at").textValue());
            g.writeStringField("expires_at", body.get("expires_at").textValue());
            g.writeEndObject();
            g.writeStringField("key_id", LicenseKeys.keyId(publicKey));
            g.writeStringField("signature", Base64.getEncoder().encodeToString(signature));
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e); // A StringWriter does not fail.
        }
        return text + "\n";
    }

    /** A license file, parsed but not yet trusted. */
    record Parsed(JsonNode license, String keyId, byte[] signature) {
    }

    /** @throws InvalidLicenseException with the reason the text is not a license file */
    static Parsed parse(String text) throws InvalidLicenseException {
        JsonNode doc;
        try {
            doc = Reader.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidLicenseException("is not JSON"
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (doc == null || !doc.isObject()) {
            throw new InvalidLicenseException("is not a JSON object");
        }
        String format = doc.path("format").asText(null);
        if (format != null && !FORMAT.equals(format)) {
            throw new InvalidLicenseException("has format '" + format + "'; this build reads " + FORMAT);
        }
        JsonNode license = doc.get("license");
        if (license == null || !license.isObject()) {
            throw new InvalidLicenseException("has no \"license\" object");
        }
        String signature = doc.path("signature").asText("");
        if (signature.isBlank()) {
            throw new InvalidLicenseException("has no \"signature\"");
        }
        try {
            return new Parsed(license, doc.path("key_id").asText(""), Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException e) {
            throw new InvalidLicenseException("has a signature that is not base64");
        }
    }

    static boolean verifies(Parsed parsed, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance(LicenseKeys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signedBytes(parsed.license()));
            return verifier.verify(parsed.signature());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Reads the fields of a license whose signature has been verified. */
    static License fields(JsonNode body) throws InvalidLicenseException {
        List<String> features = new ArrayList<>();
        JsonNode list = body.path("features");
        if (!list.isMissingNode() && !list.isArray()) {
            throw new InvalidLicenseException("has \"features\" that is not a list");
        }
        list.forEach(f -> features.add(f.asText()));
        try {
            return new License(body.path("plan").asText(""), features,
                    body.hasNonNull("holder") ? body.get("holder").asText() : null,
                    instant(body, "issued_at"), instant(body, "expires_at"));
        } catch (IllegalArgumentException e) {
            throw new InvalidLicenseException("is signed but not a valid license: " + e.getMessage());
        }
    }

    private static Instant instant(JsonNode body, String field) throws InvalidLicenseException {
        String text = body.path(field).asText("");
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidLicenseException("has " + field + " '" + text + "' that is not an ISO-8601 UTC time");
        }
    }

    private static byte[] signedBytes(JsonNode license) {
        byte[] prefix = (FORMAT + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] canonical = CanonicalJson.bytes(license);
        byte[] out = new byte[prefix.length + canonical.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(canonical, 0, out, prefix.length, canonical.length);
        return out;
    }

    /** Why a text is not a usable license; the message completes "the license file P …". */
    static final class InvalidLicenseException extends Exception {
        InvalidLicenseException(String message) {
            super(message, null, false, false);
        }
    }
}
