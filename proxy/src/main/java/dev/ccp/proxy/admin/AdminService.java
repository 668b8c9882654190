package dev.ccp.proxy.admin;

import dev.ccp.events.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.proxy.control.ControlPlane;
import dev.ccp.proxy.http.ApiErrors;
import dev.ccp.proxy.http.LocalCallers;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's switches on a running proxy, mounted at {@code /admin}: {@code POST /admin/pause},
 * {@code POST /admin/resume} (what {@code cc pause}/{@code cc resume} call) and {@code GET /admin/state}.
 *
 * <p>Local callers only ({@link LocalCallers}): a request from another address, one whose {@code Host}
 * is not a loopback name (DNS rebinding), or one carrying an {@code Origin} header (a web page's
 * script) gets 403 {@code permission_error}. Each flip is a {@code ConfigChanged} event (kind {@code paused}).
 */
public final class AdminService implements HttpService {
    public static final String PERMISSION_ERROR = "permission_error";
    private static final ObjectMapper JSON = Json.MAPPER;

    private final ControlPlane control;

    public AdminService(ControlPlane control) {
        this.control = control;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any((req, res) -> {
            String refusal = LocalCallers.refusal(req);
            if (refusal != null) {
                ApiErrors.send(res, 403, PERMISSION_ERROR, "the admin endpoints are " + refusal);
                return;
            }
            res.next();
        });
        rules.post("/pause", (req, res) -> flip(req, res, true))
                .post("/resume", (req, res) -> flip(req, res, false))
                .get("/state", (req, res) -> send(res, state(false)))
                .any((req, res) -> ApiErrors.send(res, 404, "not_found_error",
                        "admin endpoints: POST /admin/pause, POST /admin/resume, GET /admin/state"));
    }

    private void flip(ServerRequest req, ServerResponse res, boolean pause) {
        boolean changed = control.setPaused(pause, pause ? "/admin/pause" : "/admin/resume");
        send(res, state(changed));
    }

    private Map<String, Object> state(boolean changed) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("paused", control.paused());
        doc.put("changed", changed);
        doc.put("default_provider", control.catalog().catalog().defaultProvider());
        doc.put("model_override", control.modelOverride());
        doc.put("license", Map.of("ok", control.license().ok(), "plan", control.license().plan(),
                "features", control.license().features()));
        return doc;
    }

    private static void send(ServerResponse res, Map<String, Object> doc) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(JSON.writeValueAsBytes(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
