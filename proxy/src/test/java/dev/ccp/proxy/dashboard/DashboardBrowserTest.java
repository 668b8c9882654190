package dev.ccp.proxy.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.ModuleJars;
import dev.ccp.testkit.TestLicenses;
import dev.ccp.testkit.TwoLaneCatalog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.remote.RemoteWebDriver;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, never a download):
 * the proxy (in-process) and the projector (its packaged jar, a separate process) share a real
 * Chronicle log and SQLite file, fake providers answer
 * real traffic, and the page must show what usage.jsonl holds, push a new request within 2 s, and
 * show its event trail. Screenshots land in target/dashboard-screenshots (docs/DASHBOARD.md shows them).
 */
@Tag("browser")
class DashboardBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CCP_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CCP_CHROMEDRIVER", "/usr/bin/chromedriver"));

    @TempDir
    Path dir;

    @Test
    void thePageShowsWhatTheUsageLogHoldsAndPushesANewRequestWithItsEventTrail() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
        Path quotas = dir.resolve("quotas.yaml");
        Files.writeString(quotas, """
                quotas:
                  - name: zai-coding-plan
                    provider: zai
                    window: 5h
                    rolling: { requests: 40 }
                    warn_pct: 50
                    block_pct: 100
                """);
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true)) {
            CcpPaths paths = CcpPaths.under(dir);
            Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir));
            env.putAll(ModuleJars.env(paths));
            env.put("CCP_PROVIDERS_FILE", TwoLaneCatalog.write(dir, anthropic, zai).toString());
            env.put("CCP_QUOTAS_FILE", quotas.toString());
            env.put("ZAI_API_KEY", "zai-browser-key");
            Map<String, String> projectorEnv = new HashMap<>(ModuleJars.env(paths));
            projectorEnv.put("CCP_ROLLUP_INTERVAL", "1s");
            try (ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[] {"--port", "0"}, env));
                 ChildJvm projector = ChildJvm.start(ModuleJars.command("projector", "--metrics-port", "0"), projectorEnv)) {
                {
                    String base = "http://127.0.0.1:" + proxy.port();
                    for (int i = 0; i < 12; i++) {
                        send(base, i % 3 == 0 ? "claude-sonnet-4-5" : "claude-3-5-haiku-20241022", i % 2 == 0, "session-a");
                    }
                    send(base, "claude-sonnet-4-5-error500", false, "session-a");
                    Path usage = paths.usageJsonl();
                    await().atMost(Duration.ofSeconds(30)).until(() -> lines(usage).size() == 13);

                    ChromeDriverService driver = chromedriver();
                    driver.start();
                    RemoteWebDriver browser = chromium(driver);
                    try {
                        browser.manage().window().setSize(new Dimension(1280, 800));
                        browser.get(base + "/dashboard");
                        WebElement requests = browser.findElement(By.cssSelector("[data-total=requests]"));
                        await().atMost(Duration.ofSeconds(20)).until(() -> "13".equals(requests.getDomAttribute("data-value")));

                        // The totals equal usage.jsonl over the same range.
                        WebElement note = browser.findElement(By.id("range-note"));
                        long fromS = Long.parseLong(note.getDomAttribute("data-from-s"));
                        long toS = Long.parseLong(note.getDomAttribute("data-to-s"));
                        Map<String, Long> expected = totals(usage, fromS, toS);
                        for (String key : List.of("requests", "input_tokens", "output_tokens",
                                "cache_creation_input_tokens", "cache_read_input_tokens")) {
                            WebElement e = browser.findElement(By.cssSelector("[data-total=" + key + "]"));
                            assertEquals(expected.get(key), Long.parseLong(e.getDomAttribute("data-value")), key);
                            assertEquals(expected.get(key), Long.parseLong(e.getText().replace(",", "")), key + " as shown");
                        }
                        assertEquals(expected.get("offloaded"),
                                Long.parseLong(browser.findElement(By.cssSelector("[data-total=offload]")).getDomAttribute("data-value")));
                        await().atMost(Duration.ofSeconds(10)).until(() ->
                                !browser.findElements(By.cssSelector("[data-quota=zai-coding-plan]")).isEmpty()
                                        && !browser.findElements(By.cssSelector("[data-health=providers]")).isEmpty()
                                        && browser.findElements(By.cssSelector("#feed tbody tr")).size() == 13);
                        // Cost and unpriced requests equal usage.jsonl's (all of the test's traffic is in the range).
                        java.math.BigDecimal cost = java.math.BigDecimal.ZERO;
                        long unpriced = 0;
                        for (JsonNode n : lines(usage)) {
                            if (n.path("cost_usd").isNumber()) {
                                cost = cost.add(n.get("cost_usd").decimalValue());
                            } else {
                                unpriced++;
                            }
                        }
                        assertEquals(cost.doubleValue(), Double.parseDouble(browser.findElement(
                                By.cssSelector("[data-money=cost_usd]")).getDomAttribute("data-value")), 1e-9, "cost");
                        assertEquals(unpriced, Long.parseLong(browser.findElement(
                                By.cssSelector("[data-money=unpriced_requests]")).getDomAttribute("data-value")), "unpriced");

                        // A new request shows in the live feed within 2 s of its answer.
                        await().atMost(Duration.ofSeconds(10)).until(() ->
                                browser.findElement(By.id("live-dot")).getDomAttribute("class").contains("on"));
                        send(base, "claude-3-5-haiku-20241022", true, "session-live");
                        Instant answered = Instant.now();
                        WebElement fresh = await().atMost(Duration.ofSeconds(2)).until(() -> browser
                                .findElements(By.cssSelector("#feed tbody tr")).stream()
                                .filter(tr -> tr.getText().contains("zai")).findFirst()
                                .filter(tr -> browser.findElements(By.cssSelector("#feed tbody tr")).size() == 14)
                                .orElse(null), tr -> tr != null);
                        assertTrue(Duration.between(answered, Instant.now()).compareTo(Duration.ofSeconds(2)) <= 0);
                        String reqId = browser.findElement(By.cssSelector("#feed tbody tr")).getDomAttribute("data-req-id");
                        assertEquals(lastReqId(usage), reqId, "the newest row is the request just made");
                        await().atMost(Duration.ofSeconds(5)).until(() -> "14".equals(requests.getDomAttribute("data-value")));
                        screenshot(browser, "dashboard-1280x800.png");
                        long height = ((Number) browser.executeScript("return document.documentElement.scrollHeight")).longValue();
                        browser.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 140, 4000)));
                        screenshot(browser, "dashboard-full.png");
                        browser.manage().window().setSize(new Dimension(1280, 800));

                        // Its drill-down lists its events in order.
                        browser.findElement(By.cssSelector("#feed tbody tr")).click();
                        await().atMost(Duration.ofSeconds(5)).until(() ->
                                browser.findElements(By.cssSelector("#trail li[data-event-type]")).size() >= 4);
                        List<String> types = browser.findElements(By.cssSelector("#trail li[data-event-type]")).stream()
                                .map(li -> li.getDomAttribute("data-event-type")).toList();
                        assertEquals(List.of("RequestReceived", "RouteDecided", "UpstreamAttempt", "ResponseCompleted"), types);
                        screenshot(browser, "dashboard-drilldown.png");
                        browser.findElement(By.id("drill-close")).click();

                        // Filters: the session narrows the feed to the one request; a bad status is refused.
                        filter(browser, "session", "session-live");
                        await().atMost(Duration.ofSeconds(5)).until(() ->
                                browser.findElements(By.cssSelector("#feed tbody tr")).size() == 1);
                        browser.findElement(By.cssSelector("#filters button[type=reset]")).click();
                        filter(browser, "status", "abc");
                        await().atMost(Duration.ofSeconds(5)).until(() ->
                                browser.findElement(By.id("filter-error")).getText().contains("status must be"));
                        assertEquals(14, browser.findElements(By.cssSelector("#feed tbody tr")).size(), "the feed stays as it was");
                        browser.findElement(By.cssSelector("#filters button[type=reset]")).click();
                        await().atMost(Duration.ofSeconds(5)).until(() ->
                                browser.findElements(By.cssSelector("#feed tbody tr")).size() == 14);

                        // The day range shows the same requests.
                        browser.findElement(By.cssSelector(".ranges button[data-range=day]")).click();
                        await().atMost(Duration.ofSeconds(5)).until(() -> "day".equals(dayOrHour(browser))
                                && "14".equals(requests.getDomAttribute("data-value")));

                        browser.manage().window().setSize(new Dimension(390, 844));
                        browser.findElement(By.cssSelector(".ranges button[data-range=hour]")).click();
                        await().atMost(Duration.ofSeconds(5)).until(() -> "14".equals(requests.getDomAttribute("data-value")));
                        screenshot(browser, "dashboard-phone.png");

                        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
                        assertEquals(List.of(), severe.stream().map(LogEntry::getMessage).toList(), "console errors");
                    } finally {
                        browser.quit();
                        driver.stop();
                    }
                }
            }
        }
    }

    private static String dayOrHour(RemoteWebDriver browser) {
        return browser.findElement(By.cssSelector(".ranges button.on")).getDomAttribute("data-range");
    }

    private static void filter(RemoteWebDriver browser, String name, String value) {
        WebElement input = browser.findElement(By.cssSelector("#filters input[name=" + name + "]"));
        input.clear();
        input.sendKeys(value);
        browser.findElement(By.cssSelector("#filters button[type=submit]")).click();
    }

    /** The driver is named outright, so Selenium Manager never looks for (or downloads) one. */
    private static ChromeDriverService chromedriver() {
        return new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    }

    /**
     * A plain WebDriver session on that driver: ChromeDriver would also open a DevTools websocket this
     * test does not use (and that hung for minutes here).
     */
    private static RemoteWebDriver chromium(ChromeDriverService driver) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("ccp-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return new RemoteWebDriver(driver.getUrl(), options);
    }

    private static void screenshot(RemoteWebDriver browser, String name) throws Exception {
        Path out = Path.of("target", "dashboard-screenshots");
        Files.createDirectories(out);
        File png = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), out.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void send(String base, String model, boolean stream, String session) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                .header("content-type", "application/json")
                .header("x-api-key", "sk-ant-browser-client")
                .header("x-claude-code-session-id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(res.statusCode() == 200 || model.contains("error500"), res.body());
    }

    private static List<JsonNode> lines(Path usage) throws Exception {
        if (!Files.exists(usage)) {
            return List.of();
        }
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(usage)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static String lastReqId(Path usage) throws Exception {
        List<JsonNode> all = lines(usage);
        return all.getLast().get("req_id").asText();
    }

    /** Sums over the usage lines finished in [fromS, toS), as the page's totals are defined. */
    private static Map<String, Long> totals(Path usage, long fromS, long toS) throws Exception {
        Map<String, Long> t = new HashMap<>();
        for (String k : List.of("requests", "input_tokens", "output_tokens", "cache_creation_input_tokens",
                "cache_read_input_tokens", "offloaded")) {
            t.put(k, 0L);
        }
        for (JsonNode n : lines(usage)) {
            long ts = Instant.parse(n.get("ts").asText()).getEpochSecond();
            if (ts < fromS || ts >= toS) {
                continue;
            }
            t.merge("requests", 1L, Long::sum);
            for (String k : List.of("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")) {
                t.merge(k, n.get(k).asLong(), Long::sum);
            }
            if (!"anthropic".equals(n.path("lane").asText())) {
                t.merge("offloaded", 1L, Long::sum);
            }
        }
        return t;
    }
}
