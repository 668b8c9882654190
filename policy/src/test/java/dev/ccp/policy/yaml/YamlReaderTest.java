package dev.ccp.policy.yaml;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlReaderTest {
    @Test
    void everyValueKnowsTheLineItIsWrittenOn() {
        YamlMap root = (YamlMap) YamlReader.read("""
                # a comment
                name: ccp
                prices:
                  - model: opus
                    input: 15
                  - model: "80"
                empty:
                """, "p.yaml");
        assertEquals(2, root.get("name").line());
        YamlList prices = (YamlList) root.get("prices");
        assertEquals(3, prices.line());
        YamlMap second = (YamlMap) prices.items().get(1);
        assertEquals(6, second.line());
        YamlScalar input = (YamlScalar) ((YamlMap) prices.items().getFirst()).get("input");
        assertEquals(5, input.line());
        assertEquals(15, input.wholeNumber().orElseThrow());
        assertFalse(((YamlScalar) second.get("model")).isNumber(), "a quoted number stays text");
        assertInstanceOf(YamlNull.class, root.get("empty"));
        assertEquals("p.yaml:5: input must be positive", input.refusal("input must be positive"));
    }

    @Test
    void anEmptyDocumentIsNull() {
        assertInstanceOf(YamlNull.class, YamlReader.read("# nothing\n", "e.yaml"));
    }

    @Test
    void syntaxMistakesAndDuplicateKeysAreOneLineWithTheirLine() {
        YamlSyntaxException broken = assertThrows(YamlSyntaxException.class,
                () -> YamlReader.read("a: 1\nb: [1, 2\nc: 3\n", "b.yaml"));
        assertTrue(broken.getMessage().matches("b\\.yaml:\\d+: not valid YAML \\(.+\\)"), broken.getMessage());
        assertFalse(broken.getMessage().contains("\n"), broken.getMessage());

        YamlSyntaxException twice = assertThrows(YamlSyntaxException.class,
                () -> YamlReader.read("a: 1\nb: 2\na: 3\n", "d.yaml"));
        assertEquals("d.yaml:3: duplicate key a", twice.getMessage());
    }
}
