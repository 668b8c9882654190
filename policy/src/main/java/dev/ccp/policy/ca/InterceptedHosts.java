package dev.ccp.policy.ca;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hosts interception mode terminates TLS for: {@code CCP_MITM_HOSTS} (default
 * {@code api.anthropic.com,api.z.ai}) plus the host of every catalog provider. Only DNS names count:
 * a provider at an IP address or {@code localhost} (a test fake, a local model) is reached directly,
 * never through a CONNECT, and an IP in the CA's constraints would widen what the CA may sign.
 */
public final class InterceptedHosts {
    public static final String VARIABLE = "CCP_MITM_HOSTS";
    public static final List<String> DEFAULT = List.of("api.anthropic.com", "api.z.ai");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");

    private InterceptedHosts() {
    }

    /**
     * @param providerBaseUrls the catalog's provider base URLs
     * @throws IllegalArgumentException naming {@code CCP_MITM_HOSTS} when a value in it is not a DNS name
     */
    public static Set<String> of(Map<String, String> env, Collection<String> providerBaseUrls) {
        Set<String> hosts = new LinkedHashSet<>();
        String configured = env.get(VARIABLE);
        if (configured == null || configured.isBlank()) {
            hosts.addAll(DEFAULT);
        } else {
            for (String part : configured.split(",")) {
                String host = part.strip().toLowerCase(Locale.ROOT);
                if (host.isEmpty()) {
                    continue;
                }
                if (!isDnsName(host)) {
                    throw new IllegalArgumentException(VARIABLE + "=" + configured + ": '" + part.strip()
                            + "' is not a host name (a comma-separated list such as api.anthropic.com,api.z.ai)");
                }
                hosts.add(host);
            }
        }
        for (String url : providerBaseUrls) {
            try {
                String host = URI.create(url).getHost();
                if (host != null && isDnsName(host.toLowerCase(Locale.ROOT))) {
                    hosts.add(host.toLowerCase(Locale.ROOT));
                }
            } catch (IllegalArgumentException ignored) {
                // The catalog validates its URLs; a bad one is reported there.
            }
        }
        return Set.copyOf(hosts);
    }

    /** A dotted DNS name that is not an IP literal and not {@code localhost}. */
    public static boolean isDnsName(String host) {
        return DNS_NAME.matcher(host).matches() && !host.endsWith(".localhost");
    }
}
