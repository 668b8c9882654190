package dev.ccp.proxy.upstream;

import dev.ccp.events.AttemptOutcome;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRequest;
import io.helidon.http.Headers;

import java.time.Duration;
import java.util.List;

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

    /**
     * Waits a {@link Next.Retry#delay()} before the next attempt; a policy may override it to inject
     * the waiting (tests wait on nothing).
     */
    default void pause(Duration delay) throws InterruptedException {
        Thread.sleep(delay);
    }

    /**
     * The first policy that asks for a retry wins; {@link Next#DELIVER} when none does. Waits are done
     * by the policy that asked; {@code maxAttempts} is the largest of them.
     */
    static AttemptPolicy firstOf(AttemptPolicy... policies) {
        List<AttemptPolicy> all = List.of(policies);
        ThreadLocal<AttemptPolicy> asked = new ThreadLocal<>();
        return new AttemptPolicy() {
            @Override
            public Next afterAttempt(Attempt attempt) {
                for (AttemptPolicy p : all) {
                    Next n = p.afterAttempt(attempt);
                    if (n instanceof Next.Retry) {
                        asked.set(p);
                        return n;
                    }
                }
                return Next.DELIVER;
            }

            @Override
            public int maxAttempts() {
                return all.stream().mapToInt(AttemptPolicy::maxAttempts).max().orElse(1);
            }

            @Override
            public void pause(Duration delay) throws InterruptedException {
                AttemptPolicy p = asked.get();
                asked.remove();
                (p == null ? SINGLE : p).pause(delay);
            }
        };
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
        record Retry(RouteDecision decision, Duration delay, AttemptOutcome outcome) implements Next {
        }
    }
}
