package dev.ccp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator scripts under scripts/, run by a real bash. */
class ScriptsTest {
    private static final Path ROOT = Path.of(System.getProperty("ccp.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Bash(int exit, String out, String err) {
    }

    private Bash bash(String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc", "-c", script).directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG").contains(k));
        pb.environment().putAll(env);
        Path err = tmp.resolve("stderr-" + System.nanoTime());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not finish: " + script);
        return new Bash(p.exitValue(), out, Files.readString(err));
    }

    @Test
    void subEnvPointsTheShellAtTheGivenPort() throws Exception {
        Bash b = bash("export HTTPS_PROXY=http://old-mitm:8080 ANTHROPIC_AUTH_TOKEN=zai-key;"
                + " source " + ROOT.resolve("scripts/sub-env.sh") + " 9999;"
                + " echo $ANTHROPIC_BASE_URL $CLAUDE_CODE_SUBAGENT_MODEL ${HTTPS_PROXY-unset} ${ANTHROPIC_AUTH_TOKEN-unset}",
                Map.of());

        assertEquals(0, b.exit(), b.err());
        assertEquals("http://127.0.0.1:9999 haiku unset unset\n", b.out());
    }

    @Test
    void subEnvLeavesTheSameEnvironmentAsEvalOfCcEnv() throws Exception {
        CcRunner.Result cc = new CcRunner(tmp, InstantSource.system()).env("PWD", tmp.resolve("my app").toString())
                .env("ANTHROPIC_CUSTOM_HEADERS", "x-other: 1\nx-ccp-project: old").run("env", "8765");
        Path ccEnv = tmp.resolve("cc-env.sh");
        Files.writeString(ccEnv, cc.out());
        Files.createDirectories(tmp.resolve("my app"));
        String before = "cd '" + tmp.resolve("my app") + "'; export HTTPS_PROXY=a https_proxy=b HTTP_PROXY=c http_proxy=d NODE_EXTRA_CA_CERTS=e"
                + " ANTHROPIC_AUTH_TOKEN=f ANTHROPIC_API_KEY=g ANTHROPIC_BASE_URL=h CLAUDE_CODE_SUBAGENT_MODEL=i"
                + " ANTHROPIC_CUSTOM_HEADERS=$'x-other: 1\\nx-ccp-project: old';";
        String dump = " env | grep -v '^_=' | grep -v '^SHLVL=' | sort";

        Bash viaCc = bash(before + " eval \"$(cat " + ccEnv + ")\";" + dump, Map.of());
        Bash viaScript = bash(before + " source " + ROOT.resolve("scripts/sub-env.sh") + " 8765;" + dump, Map.of());

        assertEquals(viaCc.out(), viaScript.out());
        assertTrue(viaScript.out().contains("ANTHROPIC_API_KEY=g"), "the user's own Anthropic key stays");
        // env's lines are sorted, so the header's second line stands on its own.
        assertTrue(viaScript.out().contains("ANTHROPIC_CUSTOM_HEADERS=x-other: 1\n"), viaScript.out());
        assertTrue(viaScript.out().contains("\nx-ccp-project: my-app\n"), viaScript.out());
        assertTrue(!viaScript.out().contains("x-ccp-project: old"), viaScript.out());
    }

    @Test
    void subEnvMitmSetsTheHttpsProxyAndTheCaLikeCcEnvMitm() throws Exception {
        // The CA as `cc ca` leaves it, where both look for it.
        CcRunner ccRunner = new CcRunner(tmp, InstantSource.system());
        assertEquals(0, ccRunner.run("ca").exit());
        Path xdg = tmp.resolve("xdg");
        Files.createDirectories(xdg);
        Files.createSymbolicLink(xdg.resolve("ccp"), tmp.resolve("user-config"));
        // The script names the project after the folder it runs in; cc env is told the same folder.
        CcRunner.Result cc = ccRunner.env("PWD", tmp.toString()).run("env", "8765", "--mitm");
        Path ccEnv = tmp.resolve("cc-env-mitm.sh");
        Files.writeString(ccEnv, cc.out().replace(tmp.resolve("user-config").toString(), xdg.resolve("ccp").toString()));
        String before = "export HTTPS_PROXY=a https_proxy=b HTTP_PROXY=c http_proxy=d NODE_EXTRA_CA_CERTS=e"
                + " ANTHROPIC_AUTH_TOKEN=f ANTHROPIC_API_KEY=g ANTHROPIC_BASE_URL=h CLAUDE_CODE_SUBAGENT_MODEL=i;";
        String dump = " env | grep -v '^_=' | grep -v '^SHLVL=' | sort";
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", xdg.toString());

        Bash viaCc = bash(before + " eval \"$(cat " + ccEnv + ")\";" + dump, env);
        Bash viaScript = bash(before + " source " + ROOT.resolve("scripts/sub-env.sh") + " 8765 --mitm;" + dump, env);

        assertEquals(0, viaScript.exit(), viaScript.err());
        assertEquals(viaCc.out(), viaScript.out());
        assertTrue(viaScript.out().contains("HTTPS_PROXY=http://127.0.0.1:8765\n"), viaScript.out());
        assertTrue(viaScript.out().contains("NODE_EXTRA_CA_CERTS=" + xdg.resolve("ccp/ca/ca.pem") + "\n"), viaScript.out());
        assertTrue(!viaScript.out().contains("ANTHROPIC_BASE_URL="), "base-URL mode is off: " + viaScript.out());
        assertTrue(viaScript.out().contains("ANTHROPIC_API_KEY=g"), "the user's own Anthropic key stays");

        Bash unknown = bash("source " + ROOT.resolve("scripts/sub-env.sh") + " --mtim; echo status=$?", env);
        assertEquals("status=2\n", unknown.out());
        assertTrue(unknown.err().startsWith("sub-env.sh: unknown option '--mtim'"), unknown.err());
    }

    @Test
    void subEnvTakesItsPortFromTheVariablesAndRefusesBadOnes() throws Exception {
        String subEnv = ROOT.resolve("scripts/sub-env.sh").toString();
        assertEquals("http://127.0.0.1:9100\n",
                bash("source " + subEnv + "; echo $ANTHROPIC_BASE_URL", Map.of("MITM_PORT", "9100")).out());

        Bash bad = bash("source " + subEnv + " 99999; echo status=$? ${ANTHROPIC_BASE_URL-unset}", Map.of());
        assertEquals("status=2 unset\n", bad.out());
        assertEquals("sub-env.sh: '99999' is not a port number (1-65535)\n", bad.err());

        Bash executed = bash("bash " + subEnv + " 8082", Map.of());
        assertEquals(2, executed.exit());
        assertTrue(executed.err().contains("source it"), executed.err());
    }

    @Test
    void aliasesPointAtThisCheckoutFromAnywhereEvenThroughASymlink() throws Exception {
        Path link = tmp.resolve("dotfiles/claude-mitm.aliases.sh");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, ROOT.resolve("scripts/shell/ccc-aliases.sh"));

        Bash b = bash("cd /; source " + link + " && echo $CCP_CHECKOUT"
                + " && type ccmitm ccsub cclogs ccverify ccbundle ccstop ccstock cczai ccc-on ccc-off >/dev/null"
                + " && ccsub 9191 && echo $ANTHROPIC_BASE_URL", Map.of());

        assertEquals(0, b.exit(), b.err());
        assertEquals(ROOT + "\nhttp://127.0.0.1:9191\n", b.out());
    }

    @Test
    void ccstockRunsClaudeWithoutTheProxyAndKeepsThisShellProxied() throws Exception {
        Path bin = fakeClaude("echo \"claude sees ${ANTHROPIC_BASE_URL-no-base-url} ${ANTHROPIC_AUTH_TOKEN-no-token} $*\"");
        Bash b = bash("source " + ROOT.resolve("scripts/shell/ccc-aliases.sh") + "; ccsub 8082;"
                        + " export ANTHROPIC_AUTH_TOKEN=zai-secret; ccstock -p hi; echo shell keeps $ANTHROPIC_BASE_URL",
                Map.of("PATH", bin + ":" + System.getenv("PATH")));

        assertEquals("claude sees no-base-url no-token -p hi\nshell keeps http://127.0.0.1:8082\n", b.out(), b.err());
    }

    @Test
    void parallelSubagentsWithoutClaudeSaysSoAndExitsTwo() throws Exception {
        Bash b = bash("bash " + ROOT.resolve("scripts/parallel-subagents.sh") + " 3", Map.of("PATH", "/usr/bin:/bin"));

        assertEquals(2, b.exit());
        assertTrue(b.err().startsWith("parallel-subagents.sh: the claude CLI is not installed"), b.err());
        assertEquals("", b.out());
    }

    @Test
    void parallelSubagentsRunsNHaikuPromptsAndReportsEach() throws Exception {
        Path bin = fakeClaude("echo \"answer to: $*\"; [ \"$5\" != \"fail\" ]");
        Path logs = tmp.resolve("logs");
        Bash b = bash("bash " + ROOT.resolve("scripts/parallel-subagents.sh") + " 3",
                Map.of("PATH", bin + ":" + System.getenv("PATH"), "CCP_LOG_DIR", logs.toString(),
                        "ANTHROPIC_BASE_URL", "http://127.0.0.1:1"));

        assertEquals(0, b.exit(), b.out() + b.err());
        assertTrue(b.out().contains("job 1: ok") && b.out().contains("job 3: ok"), b.out());
        assertTrue(b.out().contains("3 of 3 prompts answered"), b.out());
        try (var runs = Files.list(logs.resolve("parallel-subagents"))) {
            Path run = runs.findFirst().orElseThrow();
            assertTrue(Files.readString(run.resolve("2.out")).startsWith("answer to: -p --model haiku "),
                    Files.readString(run.resolve("2.out")));
        }
        assertFalse(b.err().contains("bypass"), b.err());
    }

    @Test
    void badCountIsAUsageError() throws Exception {
        Bash b = bash("bash " + ROOT.resolve("scripts/parallel-subagents.sh") + " many", Map.of());
        assertEquals(2, b.exit());
        assertTrue(b.err().startsWith("usage: scripts/parallel-subagents.sh N"), b.err());
    }

    private Path fakeClaude(String body) throws IOException {
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path claude = bin.resolve("claude");
        Files.writeString(claude, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
