package dev.ccp.policy.catalog;

import java.util.Locale;

/**
 * A catalog route: requests whose model contains {@code match} (case-insensitive) go to {@code provider}.
 *
 * @param upstreamModel the model name sent upstream instead of the client's, or {@code null} (the default) to keep it
 * @param when          the condition under which it matches (its {@code when:}), or null: always
 */
public record Route(String match, String provider, String upstreamModel, RouteCondition when) {
    public Route(String match, String provider, String upstreamModel) {
        this(match, provider, upstreamModel, null);
    }

    public boolean matches(String model) {
        return model != null && model.toLowerCase(Locale.ROOT).contains(match.toLowerCase(Locale.ROOT));
    }
}
