package dev.ccp.proxy.upstream;

import dev.ccp.events.Durations;

import java.time.Duration;
import java.util.Map;

/**
 * The guide's timeout variables, as Go-style durations.
 *
 * @param json      CCP_JSON_TIMEOUT (45s): the whole non-streaming exchange
 * @param sseIdle   CCP_SSE_IDLE_TIMEOUT (180s): silence inside a stream
 * @param dial      CCP_DIAL_TIMEOUT (5s): TCP connect
 * @param keepAlive CCP_DIAL_KEEPALIVE (30s): TCP keep-alive on upstream sockets (0 turns it off)
 * @param tls       CCP_TLS_TIMEOUT (5s): TLS handshake (added to the connect budget)
 * @param header    CCP_HEADER_TIMEOUT (15s): from sending a streaming request to its response head
 */
public record Timeouts(Duration json, Duration sseIdle, Duration dial, Duration keepAlive, Duration tls, Duration header) {

    public static Timeouts defaults() {
        return fromEnv(Map.of());
    }

    /** @throws IllegalArgumentException naming the variable when one is not a duration */
    public static Timeouts fromEnv(Map<String, String> env) {
        return new Timeouts(
                Durations.fromEnv(env, "CCP_JSON_TIMEOUT", Duration.ofSeconds(45)),
                Durations.fromEnv(env, "CCP_SSE_IDLE_TIMEOUT", Duration.ofSeconds(180)),
                Durations.fromEnv(env, "CCP_DIAL_TIMEOUT", Duration.ofSeconds(5)),
                Durations.fromEnv(env, "CCP_DIAL_KEEPALIVE", Duration.ofSeconds(30)),
                Durations.fromEnv(env, "CCP_TLS_TIMEOUT", Duration.ofSeconds(5)),
                Durations.fromEnv(env, "CCP_HEADER_TIMEOUT", Duration.ofSeconds(15)));
    }
}
