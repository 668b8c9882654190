package dev.ccp.policy.catalog;

import dev.ccp.policy.yaml.LayeredFiles;
import dev.ccp.policy.yaml.YamlList;
import dev.ccp.policy.yaml.YamlMap;
import dev.ccp.policy.yaml.YamlReader;
import dev.ccp.policy.yaml.YamlSyntaxException;
import dev.ccp.policy.yaml.YamlValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog in force, merged from its layers (lowest first: the built-in policy,
 * {@code configs/providers.yaml}, {@code ~/.config/ccp/providers.yaml}, the {@code CCP_PROVIDERS_FILE}
 * file, then variables such as {@code ZAI_HEADER_MODE}), with where each value came from.
 *
 * <p>Merge rules: providers merge field by field (a layer may set only {@code header_mode} of a
 * provider defined below it; {@code auth: passthrough} or {@code auth_env} replaces the credential
 * setting as a whole); a layer that has {@code routes} replaces the whole list (order matters: first
 * match wins); {@code default_provider} is replaced; {@code license_public_keys} add up.
 *
 * @param catalog    the merged result
 * @param layers     the layers that were applied, lowest first ({@code policy}, file paths, variable names)
 * @param provenance where each value came from, by key: {@code providers.NAME} (where it was first
 *                   defined), {@code providers.NAME.base_url|auth|header_mode}, {@code routes[i]},
 *                   {@code default_provider}, {@code license_public_keys[i]}
 */
public record MergedCatalog(Catalog catalog, List<String> layers, Map<String, Where> provenance) {
    public static final String POLICY = "policy";

    /** A value's origin: {@code policy}, a file (with the line), or a variable's name. */
    public record Where(String source, int line) {
        public static final Where POLICY = new Where(MergedCatalog.POLICY, 0);

        public static Where variable(String name) {
            return new Where(name, 0);
        }

        @Override
        public String toString() {
            return line > 0 ? source + ":" + line : source;
        }
    }

    public MergedCatalog {
        layers = List.copyOf(layers);
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /** Where a value came from ({@code policy} when no layer says). */
    public Where where(String key) {
        return provenance.getOrDefault(key, Where.POLICY);
    }

    /**
     * Reads and merges the files over the built-in policy, then applies the variables.
     *
     * @throws CatalogException naming the file and line of the first problem
     */
    public static MergedCatalog load(CatalogFiles files, Map<String, String> env) {
        List<Map.Entry<String, String>> texts = LayeredFiles.read(files.layers(), files.required(),
                "the providers file", "the catalog", CatalogException::new);
        return merge(texts, env);
    }

    /** Merges YAML texts (source name, text), lowest first, over the built-in policy, then the variables. */
    public static MergedCatalog merge(List<Map.Entry<String, String>> texts, Map<String, String> env) {
        CatalogMerge m = CatalogMerge.overPolicy();
        for (Map.Entry<String, String> t : texts) {
            m.apply(read(t.getValue(), t.getKey()), t.getKey());
        }
        m.applyVariables(env);
        return m.finish(false);
    }

    /**
     * The {@code license_public_keys} of each file that can be read, with where each came from, and a
     * line per file that cannot: for {@code cc license status}, which still counts the keys it can
     * read when the merged catalog is broken.
     */
    public static Map<String, String> licenseKeysLeniently(CatalogFiles files, List<String> problems) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Path f : files.layers()) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                YamlValue list = read(Files.readString(f), f.toString()) instanceof YamlMap root
                        ? root.present("license_public_keys") : null;
                if (list == null) {
                    continue;
                }
                if (!(list instanceof YamlList items)) {
                    problems.add(list.refusal("license_public_keys must be a list of base64 public keys"));
                    continue;
                }
                for (YamlValue k : items.items()) {
                    if (k.text() != null) {
                        keys.putIfAbsent(k.text(), new Where(f.toString(), k.line()).toString());
                    }
                }
            } catch (IOException e) {
                problems.add(f + ": cannot read (" + e.getMessage() + ")");
            } catch (CatalogException e) {
                problems.add(e.getMessage());
            }
        }
        return keys;
    }

    /** The document of one catalog file; a file that is not YAML is refused as a catalog problem. */
    static YamlValue read(String text, String source) {
        try {
            return YamlReader.read(text, source);
        } catch (YamlSyntaxException e) {
            throw new CatalogException(e.getMessage());
        }
    }
}
