package dev.ccp.proxy.upstream;

import java.util.List;

/** Combines attempt policies: features each add their own (unsupported-endpoint fallback, quota reroutes, 401 fallback). */
public final class AttemptPolicies {
    private AttemptPolicies() {
    }

    /**
     * Asks each policy in order and follows the first that retries; every policy before it sees the
     * attempt (so an observer placed first sees them all). Bounded by the largest {@code maxAttempts}.
     */
    public static AttemptPolicy firstRetry(AttemptPolicy... policies) {
        List<AttemptPolicy> all = List.of(policies);
        int max = all.stream().mapToInt(AttemptPolicy::maxAttempts).max().orElse(1);
        return new AttemptPolicy() {
            @Override
            public Next afterAttempt(Attempt attempt) {
                for (AttemptPolicy p : all) {
                    Next next = p.afterAttempt(attempt);
                    if (next instanceof Next.Retry) {
                        return next;
                    }
                }
                return Next.DELIVER;
            }

            @Override
            public int maxAttempts() {
                return max;
            }
        };
    }
}
