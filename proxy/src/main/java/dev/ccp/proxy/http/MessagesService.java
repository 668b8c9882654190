package dev.ccp.proxy.http;

import dev.ccp.proxy.ProxyContext;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens}: routed by model. */
public final class MessagesService implements HttpService {
    private final Forwarder forwarder;

    public MessagesService(ProxyContext ctx) {
        this.forwarder = new Forwarder(ctx);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/messages", (req, res) -> forwarder.handle(req, res, Forwarder.Endpoint.MESSAGES))
                .post("/v1/messages/count_tokens", (req, res) -> forwarder.handle(req, res, Forwarder.Endpoint.COUNT_TOKENS));
    }
}
