package dev.ccp.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * The one JSON configuration every module writes and reads with (projection state, reports, command
 * output, answers): Jackson's defaults, compact, fields in declaration order. A mapper is thread-safe
 * once configured and costly to build, so there is one. The log's own codec keeps its stricter settings
 * in {@link EventCodec}.
 */
public final class Json {
    /**
     * Jackson's defaults (compact, unknown fields refused, nulls written), except that exact amounts
     * ({@code BigDecimal}) print as written, never in exponent notation.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** The same configuration with property names in snake_case, for answers made of Java records. */
    public static final ObjectMapper SNAKE_CASE = MAPPER.copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /**
     * The files people read and diff ({@code METRICS.json}): two-space indentation, {@code "name": value},
     * {@code {}} for an empty object, decimals never in exponent form. A property marked
     * {@code @JsonSerialize(using = Json.OneLine.class)} is written on one line inside it.
     */
    public static final ObjectWriter PRETTY = MAPPER.writer(pretty());

    private Json() {
    }

    private static DefaultPrettyPrinter pretty() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }

    /** Writes a value on one line, {@code {"a": 1, "b": 2}}, whatever printer the document around it uses. */
    public static final class OneLine extends JsonSerializer<Object> {
        private static final PrettyPrinter ONE_LINE = new OneLinePrinter();

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            PrettyPrinter around = gen.getPrettyPrinter();
            gen.setPrettyPrinter(ONE_LINE);
            try {
                provider.defaultSerializeValue(value, gen);
            } finally {
                gen.setPrettyPrinter(around);
            }
        }
    }

    /** No line breaks: {@code ", "} between entries, {@code ": "} after a name. Stateless, so shared. */
    private static final class OneLinePrinter implements PrettyPrinter {
        @Override
        public void writeRootValueSeparator(JsonGenerator g) {
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            g.writeRaw('}');
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            g.writeRaw(']');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) {
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) {
        }
    }
}
