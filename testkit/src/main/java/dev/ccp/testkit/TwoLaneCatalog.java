package dev.ccp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The catalog most tests route with: the two fakes as anthropic (passthrough) and zai (keyed), haiku → zai. */
public final class TwoLaneCatalog {
    private TwoLaneCatalog() {
    }

    /** Writes {@code providers.yaml} under {@code dir} pointing at the two fakes and returns its path. */
    public static Path write(Path dir, FakeProvider anthropic, FakeProvider zai) {
        Path catalog = dir.resolve("providers.yaml");
        try {
            Files.writeString(catalog, """
                    providers:
                      anthropic: { base_url: %s, auth: passthrough }
                      zai: { base_url: %s, auth_env: ZAI_API_KEY, header_mode: x-api-key }
                    routes: [ { match: haiku, provider: zai } ]
                    default_provider: anthropic
                    """.formatted(anthropic.baseUrl(), zai.baseUrl()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return catalog;
    }
}
