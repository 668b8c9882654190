package dev.ccp.proxy.quota;

import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.quota.Quota;
import dev.ccp.policy.quota.QuotaConfig;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where a limited provider's requests go: the quota's own {@code fallback}, else the provider's entry
 * in {@code fallbacks}, else the default provider (unless it is the one limited); {@code none} at
 * any level means nowhere. A provider whose key variable is unset is no fallback.
 */
public final class Fallbacks {
    private Fallbacks() {
    }

    public static Optional<Provider> of(QuotaConfig config, Catalog catalog, Provider limited, Quota quota,
                                        Function<String, String> credentials) {
        String name;
        if (quota != null && quota.fallback() != null) {
            name = quota.fallback();
        } else if (config.fallbacks().containsKey(limited.name())) {
            name = config.fallbacks().get(limited.name());
        } else {
            name = catalog.defaultProvider();
        }
        if (name == null || Quota.NO_FALLBACK.equals(name) || name.equals(limited.name())) {
            return Optional.empty();
        }
        return catalog.provider(name).filter(p -> usable(p, credentials));
    }

    static boolean usable(Provider p, Function<String, String> credentials) {
        if (p.passesClientCredentials()) {
            return true;
        }
        String key = credentials.apply(p.authEnv());
        return key != null && !key.isBlank();
    }
}
