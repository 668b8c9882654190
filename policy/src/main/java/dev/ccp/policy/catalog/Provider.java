package dev.ccp.policy.catalog;

import dev.ccp.events.HeaderModes;

import java.net.URI;
import java.util.Objects;

/**
 * One upstream endpoint speaking the Anthropic Messages API.
 *
 * @param name       the provider's name in the catalog, also its lane in events and metrics
 * @param baseUrl    where requests go; may carry a path ({@code /api/anthropic}) that prefixes the request's path
 * @param authEnv    the variable holding the provider's key, or {@code null} for {@code auth: passthrough}
 *                   (the client's own credentials go through)
 * @param headerMode how the key is sent ({@code x-api-key} or {@code authorization}); {@code passthrough} when authEnv is null
 */
public record Provider(String name, URI baseUrl, String authEnv, String headerMode) {
    public Provider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (authEnv == null) {
            headerMode = HeaderModes.PASSTHROUGH;
        } else if (headerMode == null) {
            headerMode = HeaderModes.X_API_KEY;
        }
    }

    public static Provider passthrough(String name, String baseUrl) {
        return new Provider(name, URI.create(baseUrl), null, HeaderModes.PASSTHROUGH);
    }

    public static Provider keyed(String name, String baseUrl, String authEnv, String headerMode) {
        return new Provider(name, URI.create(baseUrl), authEnv, headerMode);
    }

    /** True when the client's own credentials go through; false when the proxy sets the provider's key. */
    public boolean passesClientCredentials() {
        return authEnv == null;
    }

    public Provider withHeaderMode(String mode) {
        return new Provider(name, baseUrl, authEnv, mode);
    }
}
