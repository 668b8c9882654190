package dev.ccp.cli.bundle;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.report.RoutingAudit;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Formats;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Projections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code cc bundle}: the review bundle of the guide, in {@code ~/Downloads/ccp-review-<timestamp>/} plus a
 * {@code .tgz}. It is scanned for key-shaped content before it is finished; a finding removes it.
 */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = {"Write the review bundle (a folder and a .tgz), refusing any key-shaped content.",
                "It collects results/TESTS.md, results/METRICS.json, the verify-routing output, logs/usage.jsonl,",
                "docs, configs, scripts and the main source into ~/Downloads/ccp-review-<timestamp>/ (CCP_BUNDLE_DIR",
                "replaces ~/Downloads) and a .tgz beside it. METRICS.json and usage.jsonl are brought up to date first.",
                "Before finishing it scans every file for key-shaped content (the value of every configured key",
                "variable, sk-ant- keys, Bearer values); a finding names the file and removes the bundle.",
                "Exit status: 0 bundle written, 1 key-shaped content found, 2 I/O error."})
public final class BundleCommand extends CcSubcommand {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** Folders copied whole from the checkout. */
    static final List<String> TREES = List.of("docs", "configs", "bin", "scripts");
    /** Files copied from the checkout's top when present. */
    static final List<String> TOP_FILES = List.of("README.md", "DEVELOPERS.md", "Makefile", "pom.xml", "LICENSE");

    @Mixin
    JsonOption json;

    public BundleCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        Projections.catchUp(ctx, Set.of("usage-jsonl", "metrics"));
        Path dir = newBundleDir();
        List<String> missing = new ArrayList<>();
        Map<String, Object> routing = null;
        try {
            copyFile(ctx.paths().resultsDir().resolve("TESTS.md"), dir.resolve("results/TESTS.md"), missing, "run make test");
            copyFile(ctx.paths().metricsJson(), dir.resolve("results/METRICS.json"), missing, "start the projector or run make summarize");
            copyFile(ctx.paths().usageJsonl(), dir.resolve("logs/usage.jsonl"), missing, "no traffic projected yet");
            if (Files.isRegularFile(ctx.paths().usageJsonl())) {
                RoutingAudit audit = RoutingAudit.of(ctx.paths().usageJsonl(), Json.mapper());
                Files.writeString(dir.resolve("results/verify-routing.txt"), String.join("\n", audit.textLines()) + "\n");
                Files.writeString(dir.resolve("results/verify-routing.json"), Json.mapper().writeValueAsString(audit.document()) + "\n");
                routing = audit.document();
            } else {
                missing.add("results/verify-routing.txt (no logs/usage.jsonl to audit)");
            }
            Path home = ctx.paths().home();
            for (String top : TOP_FILES) {
                if (Files.isRegularFile(home.resolve(top))) {
                    copyFile(home.resolve(top), dir.resolve(top), missing, null);
                }
            }
            for (String tree : TREES) {
                copyTree(home.resolve(tree), dir.resolve(tree));
            }
            try (Stream<Path> modules = Files.list(home)) {
                for (Path m : modules.filter(p -> Files.isRegularFile(p.resolve("pom.xml"))).sorted().toList()) {
                    String name = m.getFileName().toString();
                    copyFile(m.resolve("pom.xml"), dir.resolve(name).resolve("pom.xml"), missing, null);
                    copyTree(m.resolve("src/main"), dir.resolve(name).resolve("src/main"));
                }
            }
            KeyScan scan = KeyScan.forContext(ctx);
            writeManifest(dir, missing, scan);
            List<KeyScan.Finding> findings = scan.scan(dir);
            if (!findings.isEmpty()) {
                deleteTree(dir);
                KeyScan.Finding first = findings.getFirst();
                List<String> others = findings.stream().map(KeyScan.Finding::file).distinct().skip(1).toList();
                throw new CommandFailure(ExitCodes.CHECK_FAILED, "key-shaped content in " + first.file() + " (line "
                        + first.line() + ": " + first.kind() + ")"
                        + (others.isEmpty() ? "" : " and in " + others.size() + " more file(s): " + String.join(", ", others))
                        + "; the bundle was removed: take the key out and run it again");
            }
        } catch (IOException | RuntimeException e) {
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
            throw e;
        }
        Path tgz = dir.resolveSibling(dir.getFileName() + ".tgz");
        tar(dir, tgz);
        long[] stats = stats(dir);
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dir", dir.toString());
            doc.put("tgz", tgz.toString());
            doc.put("files", stats[0]);
            doc.put("bytes", stats[1]);
            doc.put("tgz_bytes", Files.size(tgz));
            doc.put("missing", missing);
            doc.put("verify_routing", routing);
            Json.print(out(), doc);
        } else {
            out().println("bundle: " + dir + " (" + stats[0] + " files, " + Formats.bytes(stats[1]) + ")");
            out().println("tarball: " + tgz + " (" + Formats.bytes(Files.size(tgz)) + ")");
            missing.forEach(m -> out().println("missing: " + m));
            if (routing != null && !Boolean.TRUE.equals(routing.get("ok"))) {
                out().println("note: verify-routing found violations (see results/verify-routing.txt in the bundle)");
            }
            out().println("no key-shaped content found");
        }
        return ExitCodes.OK;
    }

    private Path newBundleDir() throws IOException {
        String override = ctx.var("CCP_BUNDLE_DIR");
        String userHome = ctx.var("HOME") != null ? ctx.var("HOME") : System.getProperty("user.home");
        Path base = override != null ? Path.of(override).toAbsolutePath().normalize() : Path.of(userHome, "Downloads");
        String name = "ccp-review-" + STAMP.format(ctx.clock().instant());
        Path dir = base.resolve(name);
        for (int i = 2; Files.exists(dir) || Files.exists(dir.resolveSibling(dir.getFileName() + ".tgz")); i++) {
            dir = base.resolve(name + "-" + i);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CommandFailure.of("cannot create " + dir + ": " + e.getMessage());
        }
        return dir;
    }

    private static void copyFile(Path from, Path to, List<String> missing, String hint) throws IOException {
        if (!Files.isRegularFile(from)) {
            if (hint != null) {
                missing.add(from + " (" + hint + ")");
            }
            return;
        }
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void writeManifest(Path dir, List<String> missing, KeyScan scan) throws IOException {
        StringBuilder b = new StringBuilder("# ccp review bundle\n\nMade ").append(ctx.clock().instant())
                .append(" by `cc bundle` from ").append(ctx.paths().home()).append(".\n\n")
                .append("- `results/TESTS.md`: test counts per module (written by `make test`)\n")
                .append("- `results/METRICS.json`: the scoreboard (`make summarize`)\n")
                .append("- `results/verify-routing.txt` / `.json`: the traffic audit (`make verify-routing`)\n")
                .append("- `logs/usage.jsonl`: one line per finished request\n")
                .append("- docs, configs, bin, scripts, and each module's `pom.xml` and `src/main`\n\n")
                .append("Scanned for key-shaped content before it was finished: sk-ant- keys, Bearer values, and the values of ")
                .append(scan.variables().isEmpty() ? "no key variable (none set)" : String.join(", ", scan.variables()))
                .append(".\n");
        if (!missing.isEmpty()) {
            b.append("\n## Missing\n\n");
            missing.forEach(m -> b.append("- ").append(m).append('\n'));
        }
        Files.writeString(dir.resolve("MANIFEST.md"), b.toString(), StandardCharsets.UTF_8);
    }

    private static void tar(Path dir, Path tgz) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", dir.getParent().toString(),
                dir.getFileName().toString()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw CommandFailure.of("cannot run tar to write " + tgz + " (" + e.getMessage() + "); the folder " + dir + " is ready");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw CommandFailure.of("tar could not write " + tgz + (output.isEmpty() ? "" : ": " + output)
                        + "; the folder " + dir + " is ready");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.of("interrupted while writing " + tgz);
        }
    }

    private static long[] stats(Path dir) throws IOException {
        long[] s = new long[2];
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                s[0]++;
                s[1] += Files.size(p);
            }
        }
        return s;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
