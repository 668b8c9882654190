package dev.ccp.proxy.license;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the top-level {@code license_public_keys:} list of a providers.yaml. A stand-in until the
 * provider catalog (issue 6) carries the list; then the catalog's merged value replaces this class.
 */
public final class ProviderFileKeys {
    private ProviderFileKeys() {
    }

    /**
     * The base64 keys listed in {@code file}; empty when the file does not exist or has no list.
     *
     * @throws IOException naming the file (and the line, for bad YAML) when it cannot be read
     */
    public static List<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new IOException(file + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return List.of();
        }
        JsonNode list = root.path("license_public_keys");
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IOException(file + ": license_public_keys must be a list of base64 public keys");
        }
        List<String> keys = new ArrayList<>();
        list.forEach(k -> keys.add(k.asText()));
        return keys;
    }
}
