package dev.ccp.policy.quota;

/** A quotas file that cannot be used; the message names the file and the problem in one line. */
public final class QuotaConfigException extends RuntimeException {
    public QuotaConfigException(String message) {
        super(message);
    }
}
