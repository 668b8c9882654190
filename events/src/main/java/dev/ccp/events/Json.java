package dev.ccp.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration every module writes and reads with (projection state, reports, command
 * output, answers): Jackson's defaults, compact, fields in declaration order. A mapper is thread-safe
 * once configured and costly to build, so there is one. The log's own codec keeps its stricter settings
 * in {@link EventCodec}.
 */
public final class Json {
    /** Jackson's defaults: compact, unknown fields refused, nulls written. */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }
}
