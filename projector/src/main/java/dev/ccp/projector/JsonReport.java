package dev.ccp.projector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;

import dev.ccp.events.Json;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ccp-projector --once|--rebuild --report json}: the run as JSON lines on stdout, one per
 * progress step ({@code {"progress":{"done":…,"total":…,"rate":…}}}), then the summary
 * ({@code {"summary":{…}}}) or the error ({@code {"error":"…","busy":true|false}}, exit 2). It is how
 * {@code cc} runs the projector as a child process and still tells the operator what it did.
 */
final class JsonReport {
    private static final ObjectMapper JSON = Json.MAPPER;

    private JsonReport() {
    }

    static int run(boolean once, boolean rebuild, List<String> only) {
        PrintStream out = System.out;
        try {
            Settings settings = Settings.fromEnvironment();
            Set<String> selected = new LinkedHashSet<>(Projector.select(only));
            CcpPaths paths = CcpPaths.fromEnvironment();
            Progress progress = (done, total, rate) -> line(out, Map.of("progress", ordered("done", done, "total", total, "rate", rate)));
            Summary s = rebuild
                    ? Projector.rebuild(paths, selected, settings, progress)
                    : Projector.catchUp(paths, selected, settings, progress);
            line(out, Map.of("summary", ordered("projections", s.projections(), "applied", s.applied(),
                    "unreadable", s.unreadable(), "last_index", s.lastIndex(), "orphaned", s.orphaned(), "nanos", s.nanos())));
            return 0;
        } catch (ProjectionBusyException e) {
            line(out, ordered("error", e.getMessage(), "busy", true));
            return 2;
        } catch (ProjectorException | IllegalArgumentException e) {
            line(out, ordered("error", String.valueOf(e.getMessage()), "busy", false));
            return 2;
        }
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void line(PrintStream out, Object doc) {
        try {
            out.println(JSON.writeValueAsString(doc));
            out.flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
