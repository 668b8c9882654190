package dev.ccp.proxy.routing;

/**
 * What routing looks at.
 *
 * @param model    the body's {@code model}, or {@code null} for requests without one (passthrough paths)
 * @param method   HTTP method
 * @param path     request path, without the query
 * @param messages true for the Messages API ({@code /v1/messages} and {@code /v1/messages/count_tokens})
 */
public record RouteRequest(String model, String method, String path, boolean messages) {
}
