package dev.ccp.readmodel;

/**
 * How far one projection has applied the log, saved atomically with that projection's output.
 *
 * @param name        the projection ({@code usage-jsonl}, {@code sqlite}, {@code metrics}, {@code partials})
 *                    or {@code sqlite-rollups} for the rollup watermark
 * @param index       queue index of the last event applied, -1 before the first
 * @param events      events applied so far (readable and unreadable)
 * @param unreadable  unreadable documents skipped so far
 * @param lastTsUs    event time of the newest event applied (µs), or null
 * @param fileLength  for file projections: the length of the file that belongs to {@code index}
 * @param joinState   the request join's state at {@code index} (JSON), so a restart continues exactly
 * @param state       projection-specific state (the scoreboard for {@code metrics}), or null
 */
public record Checkpoint(String name, long index, long events, long unreadable, Long lastTsUs,
                         Long fileLength, String joinState, String state) {

    public static Checkpoint initial(String name) {
        return new Checkpoint(name, -1, 0, 0, null, null, "", null);
    }
}
