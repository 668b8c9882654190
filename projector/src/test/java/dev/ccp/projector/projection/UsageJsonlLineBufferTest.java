package dev.ccp.projector.projection;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UsageJsonlLineBufferTest {
    private static String text(UsageJsonlProjection.LineBuffer b) {
        ByteBuffer bb = b.bytes();
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void linesAreTheirUtf8BytesWhateverTheirCharactersAndTheBufferGrows() {
        UsageJsonlProjection.LineBuffer b = new UsageJsonlProjection.LineBuffer(8);
        String ascii = "{\"model\":\"claude-sonnet-4-5\"}\n";
        String other = "{\"model\":\"modèle-😀\"}\n";
        b.append(new StringBuilder(ascii));
        b.append(new StringBuilder(other));
        b.append(new StringBuilder(ascii));
        assertEquals(ascii + other + ascii, text(b));
        assertEquals((ascii + other + ascii).getBytes(StandardCharsets.UTF_8).length, b.size());
        b.reset();
        assertEquals(0, b.size());
        b.append("x\n");
        assertEquals("x\n", text(b));
    }
}
