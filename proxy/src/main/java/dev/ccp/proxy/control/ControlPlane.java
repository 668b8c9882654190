package dev.ccp.proxy.control;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Clocks;
import dev.ccp.events.Decision;
import dev.ccp.events.Event;
import dev.ccp.events.Ids;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.CatalogException;
import dev.ccp.policy.catalog.CatalogFiles;
import dev.ccp.policy.catalog.MergedCatalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.catalog.Route;
import dev.ccp.policy.license.LicenseStatus;
import dev.ccp.policy.license.LicenseVerifier;
import dev.ccp.policy.license.Licenses;
import dev.ccp.policy.license.TrustedKeys;
import dev.ccp.proxy.events.EventSink;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRequest;
import dev.ccp.proxy.routing.RoutingPolicy;
import dev.ccp.proxy.upstream.AttemptPolicy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What operators change while the proxy runs: the merged provider catalog (reloaded when one of its
 * files changes; a broken one is refused and the last good one stays), the manual model override
 * ({@code ~/.config/ccp/model}), the kill switch ({@code OFFLOAD_PAUSED}, {@code cc pause}/{@code resume}),
 * the license, and which providers lack {@code count_tokens}. Each change, accepted or refused, is a
 * {@code ConfigChanged} event.
 *
 * <p>It contributes three routing checks ({@code manual_override} after the match, then
 * {@code license_block} and {@code fallback_unsupported} before {@code missing_credentials}) and an
 * attempt policy (a 404 on count_tokens is served by the default provider).
 *
 * <p>Why one class of about 360 lines: it owns the live configuration, and every change to it (a
 * reload, the kill switch, the override, the license) happens under its one lock and is recorded as
 * one {@code ConfigChanged}; the parts that need neither are apart ({@link CountTokensMemory},
 * {@link ConfigChangeDetail}).
 */
public final class ControlPlane implements AutoCloseable {
    /** Routing check names (also the decisions they make). */
    public static final String MANUAL_OVERRIDE = Decision.MANUAL_OVERRIDE.wire();
    public static final String LICENSE_BLOCK = Decision.LICENSE_BLOCK.wire();
    public static final String FALLBACK_UNSUPPORTED = Decision.FALLBACK_UNSUPPORTED.wire();
    /** How long a provider that answered 404 for count_tokens is sent none. */
    public static final Duration UNSUPPORTED_MEMORY = Duration.ofMinutes(15);
    /** {@code ConfigChanged.kind} values. */
    public static final String KIND_PROVIDERS = "providers";
    public static final String KIND_PAUSED = "paused";
    public static final String KIND_MODEL_OVERRIDE = "model_override";
    public static final String KIND_LICENSE = "license";

    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final CatalogFiles files;
    private final Map<String, String> env;
    private final CcpPaths paths;
    private final InstantSource clock;
    private final Path modelFile;
    private final Path licenseFile;
    private final AtomicReference<MergedCatalog> catalog;
    private final AtomicBoolean paused;
    private final AtomicReference<String> modelOverride;
    private final AtomicReference<LicenseStatus> license;
    private final AtomicReference<String> lastReloadError = new AtomicReference<>();
    private final CountTokensMemory countTokens;
    private final List<FileWatch> catalogWatches;
    private final FileWatch modelWatch;
    private final FileWatch licenseWatch;
    private final FileWatch ownKeyWatch;
    private final boolean pausedByVariable;
    private volatile EventSink events = e -> {
    };
    private volatile String instance = "";
    private ScheduledExecutorService poller;
    private volatile java.util.function.Consumer<Catalog> onReload = c -> {
    };

    private ControlPlane(CatalogFiles files, Map<String, String> env, CcpPaths paths, InstantSource clock,
                         MergedCatalog merged, boolean pausedAtStart) {
        this.files = files;
        this.env = Map.copyOf(env);
        this.paths = paths;
        this.clock = clock;
        this.modelFile = paths.userConfigDir().resolve("model");
        this.licenseFile = Licenses.licenseFile(env, paths);
        this.catalogWatches = files.layers().stream().map(FileWatch::new).toList();
        this.modelWatch = new FileWatch(modelFile);
        this.licenseWatch = new FileWatch(licenseFile);
        this.ownKeyWatch = new FileWatch(dev.ccp.policy.license.LicenseKeys.KeyFiles.in(paths.userConfigDir()).publicKey());
        this.countTokens = new CountTokensMemory(clock);
        this.catalog = new AtomicReference<>(merged);
        this.paused = new AtomicBoolean(pausedAtStart);
        this.pausedByVariable = pausedAtStart;
        this.modelOverride = new AtomicReference<>(readModel(modelFile));
        this.license = new AtomicReference<>(verifyLicense(merged));
    }

    /**
     * Loads the catalog, the override and the license.
     *
     * @param pausedAtStart {@code OFFLOAD_PAUSED=1}
     * @throws CatalogException when the merged catalog cannot be used (the proxy does not start)
     */
    public static ControlPlane load(CatalogFiles files, Map<String, String> env, CcpPaths paths,
                                    boolean pausedAtStart, InstantSource clock) {
        return new ControlPlane(files, env, paths, clock, MergedCatalog.load(files, env), pausedAtStart);
    }

    // ---- state -------------------------------------------------------------------------------

    public MergedCatalog catalog() {
        return catalog.get();
    }

    public LicenseStatus license() {
        return license.get();
    }

    public boolean paused() {
        return paused.get();
    }

    /** The {@code cc model} override in force, or null. */
    public String modelOverride() {
        return modelOverride.get();
    }

    /** Why the last reload was refused (file:line: reason), or null when the catalog in force is the latest. */
    public String lastReloadError() {
        return lastReloadError.get();
    }

    public Map<String, String> env() {
        return env;
    }

    public CcpPaths paths() {
        return paths;
    }

    /** Providers remembered as lacking count_tokens, with until when. */
    public Map<String, Instant> unsupported() {
        return countTokens.unsupported();
    }

    // ---- routing -----------------------------------------------------------------------------

    /** The standard policy over the live catalog and kill switch, with this plane's checks in place. */
    public RoutingPolicy.Builder routingPolicy() {
        return RoutingPolicy.standard(() -> catalog.get().catalog(), paused::get, env::get)
                .insertAfter(RoutingPolicy.MATCH, MANUAL_OVERRIDE, this::manualOverride)
                .insertBefore(RoutingPolicy.MISSING_CREDENTIALS, LICENSE_BLOCK, this::licenseBlock)
                .insertBefore(RoutingPolicy.MISSING_CREDENTIALS, FALLBACK_UNSUPPORTED, countTokens::check);
    }

    /** The lane is chosen as if the model were the override; the body keeps the client's model. */
    private RouteDecision manualOverride(RouteRequest request, RouteDecision current, Catalog c) {
        String name = modelOverride.get();
        if (name == null || !request.messages() || request.model() == null) {
            return current;
        }
        Provider p = c.routeFor(name).map(r -> c.providers().get(r.provider())).orElse(c.defaultProviderEntry());
        return new RouteDecision(Decision.MANUAL_OVERRIDE, p, request.model(), p.headerMode(),
                "cc model " + name + " -> " + p.name());
    }

    /** Community mode: offload (any provider but the default) needs the zai_offload feature. */
    private RouteDecision licenseBlock(RouteRequest request, RouteDecision current, Catalog c) {
        Provider def = c.defaultProviderEntry();
        if (current.provider().name().equals(def.name()) || license.get().hasFeature(LicenseStatus.ZAI_OFFLOAD)) {
            return current;
        }
        return current.reroute(Decision.LICENSE_BLOCK, def, "community mode: " + LicenseStatus.ZAI_OFFLOAD + " is not licensed");
    }

    /** A provider answering 404 for count_tokens: remembered, and the call served by the default provider. */
    public AttemptPolicy attemptPolicy() {
        return countTokens.attemptPolicy(() -> catalog.get().catalog());
    }

    /** Start-up lines: unset key variables, the kill switch, community mode, the model override. */
    public List<String> warnings() {
        Catalog c = catalog.get().catalog();
        List<String> out = new ArrayList<>(RoutingPolicy.warnings(c, env, paused.get()));
        Provider def = c.defaultProviderEntry();
        List<String> offloaded = c.routes().stream().filter(r -> !r.provider().equals(def.name())).map(Route::match)
                .distinct().toList();
        if (!offloaded.isEmpty() && !license.get().hasFeature(LicenseStatus.ZAI_OFFLOAD)) {
            out.add(LicenseStatus.ZAI_OFFLOAD + " is not licensed (community mode): " + String.join(", ", offloaded)
                    + " requests go to " + def.name() + " (decision license_block)");
        }
        if (modelOverride.get() != null) {
            out.add("model override " + modelOverride.get() + " (" + modelFile + "): requests are routed as if their model were "
                    + modelOverride.get() + " (decision manual_override)");
        }
        return out;
    }

    // ---- changes -----------------------------------------------------------------------------

    /**
     * Starts recording changes to {@code events} and watching the files.
     *
     * @param pollEvery how often the files are looked at; zero or negative: not watched
     */
    public synchronized void start(EventSink sink, String instanceId, Duration pollEvery) {
        this.events = Objects.requireNonNull(sink);
        this.instance = instanceId;
        MergedCatalog m = catalog.get();
        emit(KIND_PROVIDERS, String.join(", ", m.layers()), true, ConfigChangeDetail.catalog(m, env), null);
        emit(KIND_PAUSED, pausedByVariable ? "OFFLOAD_PAUSED" : MergedCatalog.POLICY, true, ConfigChangeDetail.paused(paused.get()), null);
        emit(KIND_MODEL_OVERRIDE, modelFile.toString(), true, ConfigChangeDetail.model(modelOverride.get()), null);
        LicenseStatus l = license.get();
        emit(KIND_LICENSE, String.valueOf(licenseFile), l.ok(), ConfigChangeDetail.license(l), l.ok() ? null : l.reason());
        if (!pollEvery.isZero() && !pollEvery.isNegative() && poller == null) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true).name("ccp-config-watch").unstarted(r));
            poller.scheduleWithFixedDelay(this::pollSafely, pollEvery.toMillis(), pollEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "watching the configuration failed; will try again", e);
        }
    }

    /** One look at the watched files: reloads what changed. The poller calls it; tests may too. */
    public synchronized void poll() {
        List<String> changed = new ArrayList<>();
        for (FileWatch w : catalogWatches) {
            if (w.changed()) {
                changed.add(w.file().toString());
            }
        }
        if (!changed.isEmpty()) {
            reloadCatalog(String.join(", ", changed));
        }
        if (modelWatch.changed()) {
            String before = modelOverride.get();
            String now = readModel(modelFile);
            if (!Objects.equals(before, now)) {
                modelOverride.set(now);
                LOG.log(System.Logger.Level.INFO, now == null ? "[ccp] model override cleared"
                        : "[ccp] model override " + now + ": requests are routed as if their model were " + now);
                emit(KIND_MODEL_OVERRIDE, modelFile.toString(), true, ConfigChangeDetail.model(now), null);
            }
        }
        boolean licenseFiles = licenseWatch.changed() | ownKeyWatch.changed();
        LicenseStatus l = license.get();
        boolean expired = l.ok() && l.expiresAt() != null && !clock.instant().isBefore(l.expiresAt());
        if (licenseFiles || expired) {
            refreshLicense();
        }
    }

    /**
     * Reads the catalog files again. A catalog that cannot be used is refused: the one in force
     * stays, the reason is logged and recorded.
     *
     * @return true when the new catalog is in force
     */
    public synchronized boolean reloadCatalog(String source) {
        MergedCatalog next;
        try {
            next = MergedCatalog.load(files, env);
        } catch (CatalogException e) {
            lastReloadError.set(e.getMessage());
            LOG.log(System.Logger.Level.WARNING, "[ccp] catalog reload refused, the catalog loaded before stays in force: "
                    + e.getMessage());
            emit(KIND_PROVIDERS, source, false, ConfigChangeDetail.catalog(catalog.get(), env), e.getMessage());
            return false;
        }
        catalog.set(next);
        lastReloadError.set(null);
        Catalog c = next.catalog();
        LOG.log(System.Logger.Level.INFO, "[ccp] catalog reloaded (" + c.providers().size() + " providers, "
                + c.routes().size() + " routes, default " + c.defaultProvider() + ") from " + String.join(" + ", next.layers()));
        emit(KIND_PROVIDERS, source, true, ConfigChangeDetail.catalog(next, env), null);
        refreshLicense();
        onReload.accept(c);
        return true;
    }

    /** Called with the new catalog after each accepted reload (the upstream clients drop the providers it no longer has). */
    public void onCatalogReload(java.util.function.Consumer<Catalog> listener) {
        this.onReload = Objects.requireNonNull(listener);
    }

    /**
     * Flips the kill switch.
     *
     * @param source who asked ({@code /admin/pause}, …), for the event
     * @return true when it changed
     */
    public synchronized boolean setPaused(boolean value, String source) {
        boolean before = paused.getAndSet(value);
        if (before == value) {
            return false;
        }
        LOG.log(System.Logger.Level.INFO, value
                ? "[ccp] offload paused (" + source + "): every request goes to " + catalog.get().catalog().defaultProvider()
                : "[ccp] offload resumed (" + source + ")");
        emit(KIND_PAUSED, source, true, ConfigChangeDetail.paused(value), null);
        return true;
    }

    private void refreshLicense() {
        LicenseStatus next = verifyLicense(catalog.get());
        LicenseStatus before = license.getAndSet(next);
        if (before.ok() != next.ok() || !before.plan().equals(next.plan()) || !before.features().equals(next.features())
                || !Objects.equals(before.reason(), next.reason())) {
            LOG.log(System.Logger.Level.INFO, next.logLine());
            emit(KIND_LICENSE, String.valueOf(licenseFile), next.ok(), ConfigChangeDetail.license(next), next.ok() ? null : next.reason());
        }
    }

    private LicenseStatus verifyLicense(MergedCatalog merged) {
        return new LicenseVerifier(TrustedKeys.forCatalog(merged, paths), clock).verify(licenseFile);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    // ---- events ------------------------------------------------------------------------------

    private void emit(String kind, String source, boolean accepted, String detail, String error) {
        long ts = Clocks.micros(clock);
        events.offer(new Event.ConfigChanged(Ids.eventId(ts), null, ts, instance, kind, source, accepted, detail, error));
    }

    /** The override in force, or null. An empty or unreadable file counts as none. */
    static String readModel(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            String v = Files.readString(file, StandardCharsets.UTF_8).strip();
            return v.isEmpty() ? null : v;
        } catch (IOException e) {
            return null;
        }
    }
}
