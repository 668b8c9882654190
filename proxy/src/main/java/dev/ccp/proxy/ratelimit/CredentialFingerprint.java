package dev.ccp.proxy.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A name for a credential that is not the credential: the first 12 hex digits of a SHA-256 over a fixed
 * label and the key. Enough to tell a user's keys apart in {@code cc status}; 48 bits of a hash cannot be
 * turned back into a key, and the label keeps it from matching any other tool's hash of the same key.
 */
public final class CredentialFingerprint {
    private static final byte[] LABEL = "ccp credential fingerprint v1\0".getBytes(StandardCharsets.US_ASCII);

    private CredentialFingerprint() {
    }

    /**
     * @param xApiKey       the {@code x-api-key} value sent upstream, or null
     * @param authorization the {@code Authorization} value sent upstream, or null ({@code Bearer } is dropped,
     *                      so one key sent either way has one fingerprint)
     * @return {@code cred_} and 12 hex digits, or {@code none} when no credential was sent
     */
    public static String of(String xApiKey, String authorization) {
        String secret = xApiKey;
        if (secret == null || secret.isBlank()) {
            secret = authorization;
            if (secret != null && secret.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
                secret = secret.substring(7);
            }
        }
        if (secret == null || secret.isBlank()) {
            return "none";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(LABEL);
            byte[] d = sha.digest(secret.strip().getBytes(StandardCharsets.UTF_8));
            return "cred_" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
