package dev.ccp.policy.price;

import dev.ccp.events.CcpPaths;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The price files, lowest layer first: {@code configs/prices.yaml} (shipped with the list prices),
 * {@code ~/.config/ccp/prices.yaml}, then the file named by {@code --prices} or {@code CCP_PRICES_FILE}.
 * The first two count when present; a named file must exist.
 *
 * @param required the named file, or null
 */
public record PriceFiles(List<Path> layers, Path required) {
    public static final String VARIABLE = "CCP_PRICES_FILE";

    public PriceFiles {
        layers = List.copyOf(layers);
    }

    /** @param named the file given on the command line (resolved), or null to use {@code CCP_PRICES_FILE} */
    public static PriceFiles of(CcpPaths paths, Map<String, String> env, Path named) {
        if (named == null) {
            String v = env.get(VARIABLE);
            if (v != null && !v.isBlank()) {
                named = paths.home().resolve(v);
            }
        }
        List<Path> layers = new ArrayList<>();
        layers.add(paths.configsDir().resolve("prices.yaml").toAbsolutePath().normalize());
        layers.add(paths.userConfigDir().resolve("prices.yaml").toAbsolutePath().normalize());
        Path required = null;
        if (named != null) {
            required = named.toAbsolutePath().normalize();
            if (!layers.contains(required)) {
                layers.add(required);
            }
        }
        return new PriceFiles(layers, required);
    }

    /** Only these files (the last one required), for tests and {@code cc whatif --prices}. */
    public static PriceFiles only(Path... files) {
        return new PriceFiles(List.of(files), files.length == 0 ? null : files[files.length - 1]);
    }
}
