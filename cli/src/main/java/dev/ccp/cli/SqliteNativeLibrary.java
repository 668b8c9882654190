package dev.ccp.cli;

import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Run by {@code make build} (bin/lib/build-class-cache): copies sqlite-jdbc's native library for this
 * machine out of its jar into a folder, and writes the JVM flags that make bin/cc load it from there.
 * Without them every command that opens the database had sqlite-jdbc scan the temp folder for stale copies,
 * write the 1 MB library to a new temp file, read it back against the jar byte by byte and load it.
 * <p>
 * {@code java -cp ccp-cli.jar dev.ccp.cli.SqliteNativeLibrary DIR} writes DIR/&lt;library&gt; and
 * DIR/sqlite.jvm.options; exits 2 with one line when this platform has no library in the jar.
 */
public final class SqliteNativeLibrary {
    private SqliteNativeLibrary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SqliteNativeLibrary DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        String name = LibraryLoaderUtil.getNativeLibName();
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        Files.createDirectories(dir);
        try (InputStream in = SqliteNativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                System.err.println("no " + resource + " in sqlite-jdbc's jar: bin/cc lets sqlite-jdbc find its library");
                System.exit(2);
            }
            Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        // org.sqlite.tmpdir: the folder sqlite-jdbc scans for stale extracted copies at every load.
        Files.write(dir.resolve("sqlite.jvm.options"), List.of(
                quoted("-Dorg.sqlite.lib.path=" + dir),
                quoted("-Dorg.sqlite.lib.name=" + name),
                quoted("-Dorg.sqlite.tmpdir=" + dir)));
    }

    /** One argument of a JVM @-file, quoted so a path with spaces stays one argument. */
    private static String quoted(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
