package dev.ccp.policy.catalog;

import dev.ccp.events.CcpPaths;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The catalog files, lowest layer first: {@code configs/providers.yaml}, then
 * {@code ~/.config/ccp/providers.yaml}, then the file named by {@code --providers} or
 * {@code CCP_PROVIDERS_FILE}. The first two are optional; a named file must exist.
 *
 * @param layers   every file that counts when present, lowest first
 * @param required the named file (must exist), or null
 */
public record CatalogFiles(List<Path> layers, Path required) {
    public CatalogFiles {
        layers = List.copyOf(layers);
    }

    /**
     * @param named the file given by {@code --providers} (already resolved), or null to use {@code CCP_PROVIDERS_FILE}
     */
    public static CatalogFiles of(CcpPaths paths, Map<String, String> env, Path named) {
        if (named == null) {
            String v = env.get("CCP_PROVIDERS_FILE");
            if (v != null && !v.isBlank()) {
                named = paths.home().resolve(v);
            }
        }
        List<Path> layers = new ArrayList<>();
        layers.add(paths.configsDir().resolve("providers.yaml").toAbsolutePath().normalize());
        layers.add(paths.userConfigDir().resolve("providers.yaml").toAbsolutePath().normalize());
        Path required = null;
        if (named != null) {
            required = named.toAbsolutePath().normalize();
            if (!layers.contains(required)) {
                layers.add(required);
            }
        }
        return new CatalogFiles(layers, required);
    }

    /** Only these files, for tests and tools. */
    public static CatalogFiles only(Path... files) {
        return new CatalogFiles(List.of(files), null);
    }
}
