package dev.ccp.cli.client;

import dev.ccp.cli.CcRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvCommandTest {
    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.system());
    }

    @Test
    void printsExportsAndUnsetsForEvalOnTheDefaultPort() {
        CcRunner.Result r = cc().env("PWD", "/home/me/src/billing-api").run("env");

        assertEquals(0, r.exit(), r.toString());
        assertEquals("""
                export ANTHROPIC_BASE_URL=http://127.0.0.1:8082
                export CLAUDE_CODE_SUBAGENT_MODEL=haiku
                export ANTHROPIC_CUSTOM_HEADERS='x-ccp-project: billing-api'
                unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NODE_EXTRA_CA_CERTS ANTHROPIC_AUTH_TOKEN
                """, r.out());
        assertEquals("", r.err());
    }

    @Test
    void portComesFromTheArgumentThenCcpPortThenMitmPort() {
        assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9100",
                cc().env("MITM_PORT", "9100").run("env").out().lines().findFirst().orElseThrow());
        assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9200",
                cc().env("MITM_PORT", "9100").env("CCP_PORT", "9200").run("env").out().lines().findFirst().orElseThrow());
        assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9300",
                cc().env("CCP_PORT", "9200").run("env", "9300").out().lines().findFirst().orElseThrow());
    }

    @Test
    void badPortIsOneLineAndExitTwo() {
        CcRunner.Result outOfRange = cc().run("env", "70000");
        assertEquals(2, outOfRange.exit());
        assertEquals(List.of("cc env: PORT 70000 is not a port number (1-65535)"), outOfRange.errLines());
        assertEquals("", outOfRange.out());

        CcRunner.Result badVariable = cc().env("MITM_PORT", "eighty").run("env");
        assertEquals(2, badVariable.exit());
        assertEquals(List.of("cc env: MITM_PORT=eighty is not a port number (1-65535)"), badVariable.errLines());
    }

    @Test
    void jsonListsTheSameVariables() {
        CcRunner.Result r = cc().env("PWD", "/home/me/ccp").run("env", "9999", "--json");

        assertEquals(0, r.exit());
        assertEquals("{\"port\":9999,\"export\":{\"ANTHROPIC_BASE_URL\":\"http://127.0.0.1:9999\","
                + "\"CLAUDE_CODE_SUBAGENT_MODEL\":\"haiku\",\"ANTHROPIC_CUSTOM_HEADERS\":\"x-ccp-project: ccp\"},\"unset\":[\"HTTPS_PROXY\",\"https_proxy\",\"HTTP_PROXY\","
                + "\"http_proxy\",\"NODE_EXTRA_CA_CERTS\",\"ANTHROPIC_AUTH_TOKEN\"]}\n", r.out());
    }

    @Test
    void mitmPrintsTheHttpsProxyAndTheCaAndUnsetsTheBaseUrl() throws Exception {
        CcRunner.Result r = cc().env("PWD", "/home/me/ccp").run("env", "9999", "--mitm");

        assertEquals(0, r.exit(), r.toString());
        Path ca = root.resolve("user-config/ca/ca.pem");
        assertEquals("""
                export HTTPS_PROXY=http://127.0.0.1:9999
                export NODE_EXTRA_CA_CERTS=%s
                export CLAUDE_CODE_SUBAGENT_MODEL=haiku
                export ANTHROPIC_CUSTOM_HEADERS='x-ccp-project: ccp'
                unset ANTHROPIC_BASE_URL https_proxy HTTP_PROXY http_proxy ANTHROPIC_AUTH_TOKEN
                """.formatted(ca), r.out());
        assertTrue(java.nio.file.Files.readString(ca).startsWith("-----BEGIN CERTIFICATE-----"), "the CA exists for Node to read");
    }

    @Test
    void theProjectIsTheFolderNameUnlessGivenAndOtherCustomHeadersStay() {
        assertEquals("export ANTHROPIC_CUSTOM_HEADERS='x-ccp-project: my-caf---app'",
                cc().env("PWD", "/home/me/my café app").run("env").out().lines().skip(2).findFirst().orElseThrow());
        String out = cc().env("PWD", "/home/me/other").env("ANTHROPIC_CUSTOM_HEADERS", "x-team: blue\nX-CCP-Project: old")
                .run("env", "--project", "billing").out();
        assertTrue(out.contains("\nexport ANTHROPIC_CUSTOM_HEADERS='x-team: blue\nx-ccp-project: billing'\n"), out);
    }

    @Test
    void aBadProjectNameIsOneLineAndExitTwo() {
        CcRunner.Result r = cc().run("env", "--project", "a b");
        assertEquals(2, r.exit());
        assertEquals(List.of("cc env: --project a b must be 1 to 64 letters, digits, dots, dashes or underscores"), r.errLines());
    }

    @Test
    void statuslinePrintsTheSettingsJsonThatRunsCcStatusline() throws Exception {
        CcRunner.Result r = cc().run("env", "--statusline");
        assertEquals(0, r.exit(), r.toString());
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals("command", doc.path("statusLine").path("type").asText());
        assertEquals(root.resolve("bin").resolve("cc") + " statusline", doc.path("statusLine").path("command").asText());

        CcRunner.Result other = cc().run("env", "9100", "--statusline");
        assertEquals("CCP_PORT=9100 " + root.resolve("bin").resolve("cc") + " statusline",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(other.out()).path("statusLine").path("command").asText());
    }
}
