package dev.ccp.cli.partials;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The {@code logs/partials/*.partial} files the projector leaves for streams that ended abruptly. */
final class PartialFiles {
    static final String SUFFIX = ".partial";

    record Partial(Path path, long bytes, Instant modified) {
        String name() {
            return path.getFileName().toString();
        }

        /** The request id the projector names each file after. */
        String reqId() {
            String n = name();
            return n.substring(0, n.length() - SUFFIX.length());
        }
    }

    private PartialFiles() {
    }

    /** Oldest first; empty when the folder does not exist yet. */
    static List<Partial> list(Path dir) throws IOException {
        List<Partial> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : files) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue; // removed while listing
                }
                if (a.isRegularFile()) {
                    found.add(new Partial(p, a.size(), a.lastModifiedTime().toInstant()));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        found.sort(Comparator.comparing(Partial::modified).thenComparing(Partial::name));
        return found;
    }
}
