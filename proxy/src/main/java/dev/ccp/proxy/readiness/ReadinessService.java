package dev.ccp.proxy.readiness;

import dev.ccp.events.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.EventLog;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.license.LicenseStatus;
import dev.ccp.proxy.control.ControlPlane;
import dev.ccp.proxy.events.AsyncEventWriter;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /readyz}: per provider whether its base URL answers (cached probe), whether its key
 * variable is set and the last upstream error; the event log (writable, last append), the
 * projector's lag, the license and the kill switch. 200 when the default provider is reachable and
 * the log is writable, else 503 with the reasons.
 */
public final class ReadinessService implements HttpService {
    private static final ObjectMapper JSON = Json.MAPPER;

    private final ControlPlane control;
    private final ProviderProbe probe;
    private final UpstreamErrors errors;
    private final AsyncEventWriter writer;
    private final EventLog log;
    private final Path dbPath;
    private final Duration wait;

    public ReadinessService(ControlPlane control, ProviderProbe probe, UpstreamErrors errors, AsyncEventWriter writer,
                            EventLog log, Path dbPath, Duration wait) {
        this.control = control;
        this.probe = probe;
        this.errors = errors;
        this.writer = writer;
        this.log = log;
        this.dbPath = dbPath;
        this.wait = wait;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::ready);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        Map<String, Object> doc = report();
        @SuppressWarnings("unchecked")
        List<String> reasons = (List<String>) doc.get("reasons");
        res.status(reasons.isEmpty() ? 200 : 503);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(JSON.writeValueAsBytes(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The readiness document; {@code reasons} is empty when ready. */
    public Map<String, Object> report() {
        Catalog catalog = control.catalog().catalog();
        Map<String, CompletableFuture<ProviderProbe.Result>> probes = new LinkedHashMap<>();
        for (Provider p : catalog.providers().values()) {
            probes.put(p.name(), probe.probe(p));
        }
        List<String> reasons = new ArrayList<>();
        Map<String, Object> providers = new LinkedHashMap<>();
        for (Provider p : catalog.providers().values()) {
            ProviderProbe.Result r;
            try {
                r = probes.get(p.name()).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                r = new ProviderProbe.Result(false, 0, "probe_timeout", null);
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("base_url", p.baseUrl().toString());
            e.put("default", p.name().equals(catalog.defaultProvider()));
            e.put("reachable", r.reachable());
            e.put("status", r.status());
            e.put("reason", r.reason());
            e.put("probed_at", r.at() == null ? null : r.at().toString());
            Map<String, Object> cred = new LinkedHashMap<>();
            if (p.passesClientCredentials()) {
                cred.put("mode", "passthrough");
            } else {
                String v = control.env().get(p.authEnv());
                cred.put("variable", p.authEnv());
                cred.put("set", v != null && !v.isBlank());
                cred.put("header_mode", p.headerMode());
            }
            e.put("credential", cred);
            UpstreamErrors.LastError last = errors.last(p.name());
            if (last == null) {
                e.put("last_error", null);
            } else {
                Map<String, Object> le = new LinkedHashMap<>();
                le.put("at", last.at().toString());
                le.put("status", last.status());
                le.put("type", last.type());
                e.put("last_error", le);
            }
            Instant until = control.unsupported().get(p.name());
            if (until != null) {
                e.put("count_tokens_unsupported_until", until.toString());
            }
            providers.put(p.name(), e);
            if (p.name().equals(catalog.defaultProvider()) && !r.reachable()) {
                reasons.add("default provider " + p.name() + " is not reachable (" + r.reason() + ")");
            }
        }

        Map<String, Object> eventLog = new LinkedHashMap<>();
        Path dir = log.dir();
        boolean dirWritable = Files.isDirectory(dir) && Files.isWritable(dir);
        boolean appending = writer.lastErrorMillis() < 0 || writer.lastErrorMillis() <= writer.lastAppendMillis();
        eventLog.put("dir", dir.toString());
        eventLog.put("writable", dirWritable && appending);
        eventLog.put("last_append", writer.lastAppendMillis() < 0 ? null : Instant.ofEpochMilli(writer.lastAppendMillis()).toString());
        eventLog.put("appends", writer.appends());
        eventLog.put("append_errors", writer.appendErrors());
        eventLog.put("queued", writer.queued());
        if (!dirWritable) {
            reasons.add("event log folder " + dir + " is not writable");
        } else if (!appending) {
            reasons.add("event log appends are failing (last failure at "
                    + Instant.ofEpochMilli(writer.lastErrorMillis()) + ")");
        }

        ProjectorLag.Lag lag = ProjectorLag.read(dbPath, log);
        Map<String, Object> projector = new LinkedHashMap<>();
        projector.put("lag", lag.lag());
        projector.put("projections", lag.projections());
        if (lag.reason() != null) {
            projector.put("reason", lag.reason());
        }

        LicenseStatus l = control.license();
        Map<String, Object> license = new LinkedHashMap<>();
        license.put("ok", l.ok());
        license.put("plan", l.plan());
        license.put("features", l.features());
        if (!l.ok()) {
            license.put("reason", l.reason());
        }

        Map<String, Object> catalogDoc = new LinkedHashMap<>();
        catalogDoc.put("layers", control.catalog().layers());
        catalogDoc.put("default_provider", catalog.defaultProvider());
        catalogDoc.put("last_reload_error", control.lastReloadError());

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", reasons.isEmpty() ? "ready" : "not_ready");
        doc.put("reasons", reasons);
        doc.put("providers", providers);
        doc.put("event_log", eventLog);
        doc.put("projector", projector);
        doc.put("license", license);
        doc.put("paused", control.paused());
        doc.put("model_override", control.modelOverride());
        doc.put("catalog", catalogDoc);
        return doc;
    }
}
