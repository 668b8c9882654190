package dev.ccp.proxy.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The client's body: read up to a limit, and for the Messages API its {@code model} and {@code stream}
 * read with Jackson's streaming parser (no tree: bodies can be megabytes). The bytes go upstream
 * as they came, unless a route rewrites the model, which splices only the model's string.
 */
final class RequestBody {
    private static final JsonFactory JSON = new JsonFactory();

    final byte[] bytes;
    /** Total bytes the client sent (more than bytes.length when over the limit). */
    final long size;
    final boolean tooLarge;
    String model;
    Boolean stream;
    /** Why the body is not a usable Messages request, or null. */
    String problem;
    private long modelStart = -1;
    private long modelEnd = -1;

    private RequestBody(byte[] bytes, long size, boolean tooLarge) {
        this.bytes = bytes;
        this.size = size;
        this.tooLarge = tooLarge;
    }

    /** Reads at most {@code max} bytes; past it the rest is drained and counted so the client still gets the 413. */
    static RequestBody read(InputStream in, long max, long contentLength) throws IOException {
        int initial = contentLength > 0 && contentLength <= max ? (int) contentLength : 8192;
        ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
        long total = 0;
        if (contentLength >= 0 && contentLength <= max) {
            // Helidon allocates a buffer of the requested size for every read: read the declared
            // length into its final array in one go instead of 16 KiB chunks copied twice.
            byte[] exact = new byte[(int) contentLength];
            int got = in.readNBytes(exact, 0, exact.length);
            if (got < exact.length) {
                return new RequestBody(java.util.Arrays.copyOf(exact, got), got, false);
            }
            byte[] probe = new byte[64];
            int extra = in.read(probe);
            if (extra < 0) {
                return new RequestBody(exact, got, false);
            }
            out.write(exact, 0, got);
            out.write(probe, 0, extra);
            total = got + extra;
        }
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total <= max) {
                out.write(buf, 0, n);
            } else if (total > max * 4 + (64L << 20)) {
                break;
            }
        }
        return total > max ? new RequestBody(new byte[0], total, true) : new RequestBody(out.toByteArray(), total, false);
    }

    /** Reads the top-level {@code model} and {@code stream}; sets {@link #problem} when the body is not usable. */
    void parseMessagesFields() {
        if (bytes.length == 0) {
            problem = "the request body is empty; expected a JSON object with a string \"model\"";
            return;
        }
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                problem = "the request body is not a JSON object";
                return;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("model".equals(name)) {
                    if (v == JsonToken.VALUE_STRING) {
                        modelStart = p.currentTokenLocation().getByteOffset();
                        model = p.getText();
                        modelEnd = p.currentLocation().getByteOffset();
                    }
                } else if ("stream".equals(name)) {
                    if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        stream = v == JsonToken.VALUE_TRUE;
                    }
                }
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                problem = "the request body is not valid JSON (trailing content)";
                return;
            }
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            problem = "the request body is not valid JSON: " + firstLine(why).replaceAll("\\s*\\(start marker at.*$", "");
            return;
        }
        if (model == null) {
            problem = "model: a string \"model\" field is required";
        }
    }

    /** The body with the top-level model string replaced (everything else byte for byte). */
    byte[] withModel(String newModel) {
        if (modelStart < 0 || newModel == null || newModel.equals(model)) {
            return bytes;
        }
        byte[] quoted = ("\"" + newModel.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").getBytes(StandardCharsets.UTF_8);
        int start = (int) modelStart;
        int end = (int) modelEnd;
        byte[] out = new byte[bytes.length - (end - start) + quoted.length];
        System.arraycopy(bytes, 0, out, 0, start);
        System.arraycopy(quoted, 0, out, start, quoted.length);
        System.arraycopy(bytes, end, out, start + quoted.length, bytes.length - end);
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
