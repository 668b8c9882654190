package dev.ccp.policy.catalog;

import dev.ccp.events.HeaderModes;
import dev.ccp.policy.yaml.YamlNull;
import dev.ccp.policy.yaml.YamlValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads one catalog file on its own, without the layers beneath it (see {@code configs/providers.example.yaml}).
 * The proxy and {@code cc providers} use {@link MergedCatalog}, which merges every layer. Unknown keys
 * are ignored so the schema can grow; anything that would route wrongly (no base_url, a route to an
 * unknown provider, a bad header mode) is refused with the file, the line and the reason.
 */
public final class CatalogLoader {
    private CatalogLoader() {
    }

    public static Catalog load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot read the catalog (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    public static Catalog parse(String yaml, String source) {
        YamlValue root = MergedCatalog.read(yaml, source);
        if (root instanceof YamlNull) {
            throw new CatalogException(source + ": the catalog is empty");
        }
        CatalogMerge m = CatalogMerge.empty();
        m.apply(root, source);
        return m.finish(true).catalog();
    }

    /** {@code x-api-key} or {@code authorization} (also accepts {@code bearer}); null when unknown. Absent means x-api-key. */
    public static String headerMode(String value) {
        if (value == null || value.isBlank()) {
            return HeaderModes.X_API_KEY;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "x-api-key", "x_api_key", "api-key" -> HeaderModes.X_API_KEY;
            case "authorization", "bearer" -> HeaderModes.AUTHORIZATION;
            default -> null;
        };
    }
}
