package dev.ccp.policy.quota;

/**
 * The caps of one window; 0 means no cap of that kind. {@code inputTokens} counts everything the model
 * read (input, cache creation and cache reads); {@code totalTokens} is input plus output.
 */
public record Limits(long requests, long inputTokens, long outputTokens, long totalTokens) {
    public static final Limits NONE = new Limits(0, 0, 0, 0);

    public boolean isEmpty() {
        return requests == 0 && inputTokens == 0 && outputTokens == 0 && totalTokens == 0;
    }

    /** The use as a percentage of the tightest cap (0 when there is none). */
    public double percentOf(WindowUse use) {
        double pct = 0;
        pct = Math.max(pct, ratio(use.requests(), requests));
        pct = Math.max(pct, ratio(use.inputTokens(), inputTokens));
        pct = Math.max(pct, ratio(use.outputTokens(), outputTokens));
        pct = Math.max(pct, ratio(use.totalTokens(), totalTokens));
        return pct;
    }

    /** The cap that is most used, in words: {@code 412/600 requests}. */
    public String describe(WindowUse use) {
        String best = null;
        double pct = -1;
        long[][] pairs = {{use.requests(), requests}, {use.inputTokens(), inputTokens},
                {use.outputTokens(), outputTokens}, {use.totalTokens(), totalTokens}};
        String[] names = {"requests", "input tokens", "output tokens", "tokens"};
        for (int i = 0; i < pairs.length; i++) {
            if (pairs[i][1] > 0 && ratio(pairs[i][0], pairs[i][1]) > pct) {
                pct = ratio(pairs[i][0], pairs[i][1]);
                best = pairs[i][0] + "/" + pairs[i][1] + " " + names[i];
            }
        }
        return best == null ? use.requests() + " requests" : best;
    }

    private static double ratio(long used, long cap) {
        return cap <= 0 ? 0 : 100.0 * used / cap;
    }
}
