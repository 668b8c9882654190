package dev.ccp.projector.follow;

/**
 * The projection database refused a read or a write. The tail loop counts it and, when following,
 * reopens every projection from its checkpoint; a single run ends with it.
 */
final class StoreFailure extends RuntimeException {
    StoreFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
