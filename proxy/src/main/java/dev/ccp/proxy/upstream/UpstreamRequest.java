package dev.ccp.proxy.upstream;

import dev.ccp.policy.catalog.Provider;
import io.helidon.http.Headers;

/**
 * One request to send upstream.
 *
 * @param pathAndQuery the client's raw path and query ({@code /v1/messages?beta=true}); appended to the provider's base_url
 * @param headers      already filtered and carrying the right credential ({@link OutboundHeaders})
 * @param body         the client's body, byte for byte (empty for none)
 * @param stream       the client asked for a stream: the head waits {@code header} timeout, reads wait {@code sseIdle}
 */
public record UpstreamRequest(Provider provider, String method, String pathAndQuery, Headers headers, byte[] body,
                              boolean stream) {
    public String url() {
        return provider.baseUrl() + pathAndQuery;
    }
}
