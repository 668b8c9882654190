package dev.ccp.cli.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;

/** JSON output of the commands: one document, keys as given (use LinkedHashMap for order); times are
 * passed as ISO-8601 strings. */
public final class Json {
    private Json() {
    }

    /** Built on first use only, so commands that print text never load Jackson. */
    private static final class Holder {
        static final ObjectMapper MAPPER = dev.ccp.events.Json.MAPPER;
    }

    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    public static void print(PrintWriter out, Object document) {
        try {
            out.println(Holder.MAPPER.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
