package dev.ccp.cli.repomap;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Formats;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code cc repo-map [--md]}: the file manifest of the checkout ({@code make repo-map},
 * results/repo-map.json) and its Markdown summary ({@code make repo-map-md}, results/REPO-MAP.md), the
 * snapshot a Haiku subagent reads instead of walking the tree.
 */
@Command(name = "repo-map", mixinStandardHelpOptions = true,
        description = {"Write the checkout's file manifest, or with --md its Markdown summary.",
                "The manifest (path, bytes, lines, sha256 of every tracked file) goes to results/repo-map.json;",
                "the summary (per folder, per file type, per module package) to results/REPO-MAP.md. Files come",
                "from 'git ls-files' in a git checkout, else from a walk that leaves out target/, logs/, results/",
                "and dot-folders."})
public final class RepoMapCommand extends CcSubcommand {
    static final Set<String> SKIPPED = Set.of("target", "logs", "results", "node_modules");

    @Option(names = "--md", description = "Write the Markdown summary instead of the JSON manifest.")
    boolean markdown;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write (default results/repo-map.json or results/REPO-MAP.md).")
    Path outFile;

    @Mixin
    JsonOption json;

    public RepoMapCommand(CliContext ctx) {
        super(ctx);
    }

    record Entry(String path, long bytes, long lines, String sha256) {
    }

    @Override
    protected int run() throws IOException {
        Path home = ctx.paths().home();
        List<Entry> entries = new ArrayList<>();
        for (String rel : files(home)) {
            Path f = home.resolve(rel);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(f);
            long lines = 0;
            for (byte b : bytes) {
                if (b == '\n') {
                    lines++;
                }
            }
            if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                lines++;
            }
            entries.add(new Entry(rel, bytes.length, lines, sha256(bytes)));
        }
        Path target = outFile != null ? outFile.toAbsolutePath().normalize()
                : ctx.paths().resultsDir().resolve(markdown ? "REPO-MAP.md" : "repo-map.json");
        Files.createDirectories(target.getParent());
        long totalBytes = entries.stream().mapToLong(Entry::bytes).sum();
        long totalLines = entries.stream().mapToLong(Entry::lines).sum();
        if (markdown) {
            Files.writeString(target, markdown(home, entries, totalBytes, totalLines), StandardCharsets.UTF_8);
        } else {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("root", home.toString());
            doc.put("generated", ctx.clock().instant().toString());
            doc.put("files", entries.size());
            doc.put("bytes", totalBytes);
            doc.put("lines", totalLines);
            doc.put("entries", entries.stream().map(e -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", e.path());
                m.put("bytes", e.bytes());
                m.put("lines", e.lines());
                m.put("sha256", e.sha256());
                return m;
            }).toList());
            Files.writeString(target, Json.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n");
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", target.toString());
            doc.put("files", entries.size());
            doc.put("bytes", totalBytes);
            doc.put("lines", totalLines);
            Json.print(out(), doc);
        } else {
            out().println("wrote " + target + " (" + entries.size() + " files, " + totalLines + " lines, "
                    + Formats.bytes(totalBytes) + ")");
        }
        return ExitCodes.OK;
    }

    /** Tracked files when the checkout is a git work tree, else a walk without build output and logs. */
    private static List<String> files(Path home) throws IOException {
        if (Files.exists(home.resolve(".git"))) {
            try {
                Process p = new ProcessBuilder("git", "-C", home.toString(), "ls-files", "-z").redirectErrorStream(false).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    List<String> files = new ArrayList<>();
                    for (String s : new String(out, StandardCharsets.UTF_8).split("\0")) {
                        if (!s.isEmpty()) {
                            files.add(s);
                        }
                    }
                    files.sort(null);
                    return files;
                }
            } catch (IOException e) {
                // No git on PATH: walk instead.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CommandFailure.of("interrupted while listing files");
            }
        }
        try (Stream<Path> s = Files.walk(home)) {
            return s.filter(Files::isRegularFile)
                    .map(home::relativize)
                    .filter(rel -> {
                        for (Path part : rel) {
                            String n = part.toString();
                            if (SKIPPED.contains(n) || n.startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .map(Path::toString).sorted().toList();
        }
    }

    private String markdown(Path home, List<Entry> entries, long totalBytes, long totalLines) {
        StringWriter sw = new StringWriter();
        PrintWriter w = new PrintWriter(sw);
        w.println("# Repository map");
        w.println();
        w.println("`" + home + "`: " + entries.size() + " files, " + totalLines + " lines, " + Formats.bytes(totalBytes)
                + ". Generated " + ctx.clock().instant() + " by `make repo-map-md`; the full manifest (with sha256) is"
                + " `results/repo-map.json` (`make repo-map`).");
        w.println();
        w.println("## Folders");
        w.println();
        table(w, entries, e -> e.path().contains("/") ? e.path().substring(0, e.path().indexOf('/')) + "/" : "(top)");
        w.println();
        w.println("## File types");
        w.println();
        table(w, entries, e -> {
            String name = e.path().substring(e.path().lastIndexOf('/') + 1);
            return name.contains(".") ? "." + name.substring(name.lastIndexOf('.') + 1) : name;
        });
        w.println();
        w.println("## Packages (main source)");
        w.println();
        table(w, entries.stream().filter(e -> e.path().contains("/src/main/java/") && e.path().endsWith(".java")).toList(), e -> {
            String module = e.path().substring(0, e.path().indexOf('/'));
            String pkg = e.path().substring(e.path().indexOf("/src/main/java/") + 15, e.path().lastIndexOf('/')).replace('/', '.');
            return module + ": " + pkg;
        });
        w.flush();
        return sw.toString();
    }

    private static void table(PrintWriter w, List<Entry> entries, java.util.function.Function<Entry, String> key) {
        Map<String, long[]> groups = new TreeMap<>();
        for (Entry e : entries) {
            long[] g = groups.computeIfAbsent(key.apply(e), k -> new long[3]);
            g[0]++;
            g[1] += e.lines();
            g[2] += e.bytes();
        }
        w.println("| | files | lines | size |");
        w.println("| --- | ---: | ---: | ---: |");
        groups.forEach((k, g) -> w.println("| `" + k + "` | " + g[0] + " | " + g[1] + " | " + Formats.bytes(g[2]) + " |"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
