package dev.ccp.proxy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The smallest catalog: one provider, {@code anthropic} (passthrough) at {@code baseUrl}, no routes. */
public final class OneProviderCatalog {
    private OneProviderCatalog() {
    }

    /** Writes {@code providers.yaml} under {@code dir} and returns its path. */
    public static Path write(Path dir, String baseUrl) {
        Path catalog = dir.resolve("providers.yaml");
        try {
            Files.writeString(catalog, """
                    providers:
                      anthropic: { base_url: %s, auth: passthrough }
                    routes: []
                    default_provider: anthropic
                    """.formatted(baseUrl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return catalog;
    }
}
