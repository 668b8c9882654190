package dev.ccp.policy.yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a layered configuration (the shipped file, the user's, one a variable names), lowest layer
 * first, for a loader to merge: a layer that does not exist is skipped, unless it is the one the
 * operator named, which must exist and be readable; a layer that exists but cannot be read is refused.
 */
public final class LayeredFiles {
    private LayeredFiles() {
    }

    /**
     * The texts of the layers present, as (source name, text), lowest first.
     *
     * @param required the layer that must exist (a variable named it), or null
     * @param file     what a missing required layer is called in the refusal ("the price file")
     * @param content  what cannot be read, in the refusal ("the price table")
     * @param refusal  the loader's exception for {@code FILE: why}
     */
    public static List<Map.Entry<String, String>> read(List<Path> layers, Path required, String file, String content,
                                                       Function<String, ? extends RuntimeException> refusal) {
        List<Map.Entry<String, String>> texts = new ArrayList<>();
        for (Path f : layers) {
            try {
                texts.add(Map.entry(f.toString(), Files.readString(f)));
            } catch (NoSuchFileException e) {
                if (f.equals(required)) {
                    throw refusal.apply(f + ": " + file + " does not exist");
                }
            } catch (IOException e) {
                if (Files.exists(f) || f.equals(required)) {
                    throw refusal.apply(f + ": cannot read " + content + " (" + e.getMessage() + ")");
                }
            }
        }
        return texts;
    }
}
