package dev.ccp.proxy.quota;

import dev.ccp.events.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaConfigException;
import dev.ccp.policy.quota.QuotaJson;
import dev.ccp.policy.quota.QuotaState;
import dev.ccp.proxy.http.ApiErrors;
import dev.ccp.proxy.ratelimit.ProviderWindows;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/quotas}: the quotas in force, their source path and where each stands now.
 * {@code POST /v1/quotas/reload} (loopback callers only; body {@code {"file":"…"}} optional): loads
 * the file, or the active one again, and puts it in force; a bad file is refused with the reason
 * (400) and the old quotas stay.
 */
public final class QuotaService implements HttpService {
    public static final String PATH = "/v1/quotas";
    private static final ObjectMapper JSON = Json.MAPPER;

    private final QuotaMonitor monitor;
    private final Supplier<Optional<Path>> activeFile;
    private final ProviderWindows windows;

    /**
     * @param activeFile the active quotas file by the usual search, for a reload without a file
     * @param windows    the providers' own windows, shown beside the quotas
     */
    public QuotaService(QuotaMonitor monitor, Supplier<Optional<Path>> activeFile, ProviderWindows windows) {
        this.monitor = monitor;
        this.activeFile = activeFile;
        this.windows = windows;
    }

    ProviderWindows windows() {
        return windows;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::show)
                .post("/reload", this::reload);
    }

    private void show(ServerRequest req, ServerResponse res) {
        QuotaState state = monitor.state();
        Map<String, Object> body = QuotaJson.config(monitor.config());
        body.put("state_at", state.at().toString());
        body.put("standings", state.inOrder().stream().map(QuotaJson::standing).toList());
        long now = windows.now().getEpochSecond();
        body.put("provider_windows", windows.standings().stream().map(w -> w.asMap(now)).toList());
        send(res, 200, body);
    }

    private void reload(ServerRequest req, ServerResponse res) throws Exception {
        if (!loopback(req.remotePeer().address())) {
            ApiErrors.send(res, 403, "permission_error", "POST /v1/quotas/reload is only answered on loopback");
            return;
        }
        byte[] raw = req.content().inputStream().readAllBytes();
        Path file = null;
        if (raw.length > 0) {
            try {
                JsonNode n = JSON.readTree(raw);
                if (n != null && n.hasNonNull("file")) {
                    file = Path.of(n.get("file").asText());
                }
            } catch (Exception e) {
                ApiErrors.send(res, 400, ApiErrors.INVALID_REQUEST, "body must be JSON: {\"file\":\"/path/quotas.yaml\"} or empty");
                return;
            }
        }
        if (file == null) {
            String current = monitor.config().source();
            file = !"none".equals(current) ? Path.of(current) : activeFile.get().orElse(null);
        }
        if (file == null) {
            ApiErrors.send(res, 400, ApiErrors.INVALID_REQUEST, "no quotas file to reload: give one, set CCP_QUOTAS_FILE"
                    + " or create configs/quotas.yaml");
            return;
        }
        try {
            QuotaConfig loaded = monitor.reload(file);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("reloaded", true);
            body.putAll(QuotaJson.config(loaded));
            send(res, 200, body);
        } catch (QuotaConfigException e) {
            ApiErrors.send(res, 400, ApiErrors.INVALID_REQUEST, "quotas not reloaded, the previous ones stay: " + e.getMessage());
        }
    }

    static boolean loopback(SocketAddress address) {
        return address instanceof InetSocketAddress a && a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }

    private static void send(ServerResponse res, int status, Object body) {
        try {
            res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(JSON.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
