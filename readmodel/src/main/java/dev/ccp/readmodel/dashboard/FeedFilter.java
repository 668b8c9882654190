package dev.ccp.readmodel.dashboard;

/**
 * What the live feed shows: each non-null field must equal the request's. {@code status} is an HTTP
 * status the proxy answered with.
 */
public record FeedFilter(String lane, String model, String decision, String session, Integer status) {
    public static final FeedFilter ALL = new FeedFilter(null, null, null, null, null);

    boolean isAll() {
        return lane == null && model == null && decision == null && session == null && status == null;
    }
}
