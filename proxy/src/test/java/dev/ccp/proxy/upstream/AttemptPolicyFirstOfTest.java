package dev.ccp.proxy.upstream;

import dev.ccp.events.Decision;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class AttemptPolicyFirstOfTest {
    private static final Provider ANTHROPIC = Provider.passthrough("anthropic", "http://127.0.0.1:1");

    /** A policy that asks for a retry on one status and records the waits it is asked to do. */
    private record Retrying(int status, List<String> log, int max) implements AttemptPolicy {
        @Override
        public Next afterAttempt(Attempt a) {
            return a.status() == status ? new Next.Retry(a.decision(), Duration.ofSeconds(status), dev.ccp.events.AttemptOutcome.RETRIED) : Next.DELIVER;
        }

        @Override
        public int maxAttempts() {
            return max;
        }

        @Override
        public void pause(Duration d) {
            log.add(status + " waits " + d.toSeconds());
        }
    }

    private static AttemptPolicy.Attempt attempt(int status) {
        RouteDecision d = new RouteDecision(Decision.DEFAULT_ROUTE, ANTHROPIC, "m", "passthrough", "r");
        return new AttemptPolicy.Attempt(1, new RouteRequest("m", "POST", "/v1/messages", true), d, status, null, null, null, 1);
    }

    @Test
    void theFirstPolicyAskingForARetryWinsAndDoesTheWaiting() throws Exception {
        List<String> log = new ArrayList<>();
        AttemptPolicy both = AttemptPolicy.firstOf(new Retrying(404, log, 2), new Retrying(429, log, 5));

        assertSame(AttemptPolicy.Next.DELIVER, both.afterAttempt(attempt(200)));
        AttemptPolicy.Next next = both.afterAttempt(attempt(429));
        both.pause(((AttemptPolicy.Next.Retry) next).delay());
        both.pause(both.afterAttempt(attempt(404)) instanceof AttemptPolicy.Next.Retry r ? r.delay() : Duration.ZERO);

        assertEquals(List.of("429 waits 429", "404 waits 404"), log);
        assertEquals(5, both.maxAttempts());
    }
}
