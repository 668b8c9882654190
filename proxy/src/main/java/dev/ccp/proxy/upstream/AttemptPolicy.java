package dev.ccp.proxy.upstream;

import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRequest;
import io.helidon.http.Headers;

import java.time.Duration;

/**
 * What to do after each upstream attempt, while no byte has reached the client yet. The forwarder
 * calls it once per attempt with what came back; {@link Next.Deliver} relays that (or answers the
 * failure), {@link Next.Retry} closes it and tries again with the given decision (same provider:
 * a backoff retry; another provider: a reroute), recording each try as an {@code UpstreamAttempt}.
 * Once bytes have been relayed nothing is retried.
 */
@FunctionalInterface
public interface AttemptPolicy {

    Next afterAttempt(Attempt attempt);

    /** At most this many attempts per request, whatever the policy says. */
    default int maxAttempts() {
        return 4;
    }

    /** The default: one attempt, its result relayed as is. */
    AttemptPolicy SINGLE = attempt -> Next.DELIVER;

    /**
     * One finished attempt.
     *
     * @param number    1-based
     * @param status    the upstream status, 0 when no head came
     * @param headers   the upstream response headers, null when no head came
     * @param errorBody for a status of 400 or more, the first bytes of the body (up to 1 MiB), else null
     * @param failure   why no head came, else null
     */
    record Attempt(int number, RouteRequest request, RouteDecision decision, int status, Headers headers,
                   byte[] errorBody, UpstreamException failure, long durationUs) {
    }

    sealed interface Next {
        Next DELIVER = new Deliver();

        record Deliver() implements Next {
        }

        /**
         * Try again.
         *
         * @param decision the decision for the next attempt (recorded as a new RouteDecided when it changes)
         * @param delay    wait before it (backoff); zero for none
         * @param outcome  what the UpstreamAttempt event says of the attempt being abandoned: {@code retried} or {@code rerouted}
         */
        record Retry(RouteDecision decision, Duration delay, String outcome) implements Next {
        }
    }
}
