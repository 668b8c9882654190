package dev.ccp.policy.quota;

import java.util.List;
import java.util.Map;

/**
 * The quotas in force and where they came from.
 *
 * @param source    the file's path, or {@code none} when no quotas file exists
 * @param fallbacks where a limited provider's requests go ({@code zai: anthropic}); {@code none} = nowhere
 */
public record QuotaConfig(String source, List<Quota> quotas, Map<String, String> fallbacks) {
    public static final QuotaConfig NONE = new QuotaConfig("none", List.of(), Map.of());

    public QuotaConfig {
        quotas = List.copyOf(quotas);
        fallbacks = Map.copyOf(fallbacks);
    }
}
