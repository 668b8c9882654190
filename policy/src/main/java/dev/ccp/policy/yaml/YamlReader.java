package dev.ccp.policy.yaml;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads every configuration file (provider catalog, quotas, usage budget, price table) into
 * {@link YamlValue}s that keep their line. SnakeYAML Engine composes the document into nodes that
 * carry their start mark; the values are built from those nodes rather than from a constructed object
 * graph, which would drop the marks.
 */
public final class YamlReader {
    private YamlReader() {
    }

    /**
     * @param source the name refusals start with, usually the file's path
     * @return the document's root; a {@link YamlNull} for an empty document
     * @throws YamlSyntaxException when the text is not YAML, or a mapping repeats a key
     */
    public static YamlValue read(String text, String source) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            // Something left open until the end is pointed at where it was opened, not at the end.
            int end = text.stripTrailing().length();
            Optional<Mark> mark = e.getProblemMark().filter(m -> m.getIndex() < end || e.getContextMark().isEmpty())
                    .or(e::getContextMark);
            int line = mark.map(m -> m.getLine() + 1).orElse(0);
            throw new YamlSyntaxException(where(source, line) + ": not valid YAML (" + problem(e) + ")");
        } catch (YamlEngineException e) {
            throw new YamlSyntaxException(source + ": not valid YAML (" + oneLine(e.getMessage()) + ")");
        }
        return root.map(n -> value(n, source, line(n))).orElseGet(() -> new YamlNull(source, 1));
    }

    private static YamlValue value(Node node, String source, int line) {
        return switch (node) {
            case MappingNode m -> {
                Map<String, YamlValue> entries = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    Node k = t.getKeyNode();
                    int keyLine = line(k);
                    String key = k instanceof ScalarNode s ? s.getValue() : null;
                    if (key == null) {
                        throw new YamlSyntaxException(where(source, keyLine) + ": a key must be plain text");
                    }
                    if (entries.containsKey(key)) {
                        throw new YamlSyntaxException(where(source, keyLine) + ": duplicate key " + key);
                    }
                    entries.put(key, value(t.getValueNode(), source, keyLine));
                }
                yield new YamlMap(entries, source, line);
            }
            case SequenceNode s -> {
                List<YamlValue> items = new ArrayList<>();
                for (Node item : s.getValue()) {
                    items.add(value(item, source, line(item)));
                }
                yield new YamlList(items, source, line);
            }
            case ScalarNode s -> scalar(s, source, line);
            default -> throw new YamlSyntaxException(where(source, line) + ": unsupported YAML node");
        };
    }

    private static YamlValue scalar(ScalarNode s, String source, int line) {
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) {
            return new YamlNull(source, line);
        }
        YamlScalar.Kind kind = Tag.INT.equals(tag) ? YamlScalar.Kind.INTEGER
                : Tag.FLOAT.equals(tag) ? YamlScalar.Kind.FLOAT
                : Tag.BOOL.equals(tag) ? YamlScalar.Kind.BOOLEAN
                : YamlScalar.Kind.STRING;
        return new YamlScalar(s.getValue(), kind, source, line);
    }

    private static int line(Node n) {
        return n.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
    }

    private static String where(String source, int line) {
        return line > 0 ? source + ":" + line : source;
    }

    /** The engine's message spans lines with a code excerpt; keep the sentences. */
    private static String problem(MarkedYamlEngineException e) {
        String context = e.getContext();
        String problem = e.getProblem();
        String text = (context == null ? "" : context + "; ") + (problem == null ? "unreadable" : problem);
        return oneLine(text);
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        return String.join("; ", message.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("^")
                && !l.startsWith("in ")).toList());
    }
}
