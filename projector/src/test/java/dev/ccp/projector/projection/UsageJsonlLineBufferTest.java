package dev.ccp.projector.projection;

import dev.ccp.policy.price.Money;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UsageJsonlLineBufferTest {
    private static String text(UsageJsonlProjection.LineBuffer b) {
        ByteBuffer bb = b.bytes();
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static byte[] raw(UsageJsonlProjection.LineBuffer b) {
        ByteBuffer bb = b.bytes();
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        return out;
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

    private static final String[] TEXTS = {null, "", "claude-sonnet-4-5", "a\"b", "back\\slash", "line\nbreak\r\t",
            "\u0001ctl\u001f", "modèle", "😀 emoji", "lone \ud800 surrogate", "end surrogate \udbff", "\u007f del", "€"};

    private static String pick(Random rnd) {
        return TEXTS[rnd.nextInt(TEXTS.length)];
    }

    private static long anyLong(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> Long.MIN_VALUE;
            case 2 -> Long.MAX_VALUE;
            case 3 -> -rnd.nextInt(5_000_000);
            case 4 -> rnd.nextInt(1000) * 1_000L;
            case 5 -> rnd.nextLong();
            default -> rnd.nextInt(50_000_000);
        };
    }

    private static Long picos(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> null;
            case 1 -> 0L;
            case 2 -> rnd.nextLong();
            case 3 -> (long) rnd.nextInt(1000) * 1_000_000_000_000L;
            case 4 -> Long.MIN_VALUE;
            case 5 -> -(long) rnd.nextInt(1_000_000) * 10_000L;
            default -> (long) rnd.nextInt(2_000_000_000) * rnd.nextInt(1000);
        };
    }

    @Test
    void aLineWrittenAsBytesIsTheReferenceTextInUtf8ForAnyRequest() {
        Random rnd = new Random(7);
        UsageJsonlProjection.LineBuffer b = new UsageJsonlProjection.LineBuffer(16);
        for (int i = 0; i < 20_000; i++) {
            long ts = switch (rnd.nextInt(4)) {
                case 0 -> -rnd.nextInt(Integer.MAX_VALUE) * 1000L;
                case 1 -> 253_402_300_800_000_000L + rnd.nextInt(Integer.MAX_VALUE);
                default -> 1_764_000_000_000_000L + (long) rnd.nextInt(Integer.MAX_VALUE) * 1000L + rnd.nextInt(1000);
            };
            FinishedRequest r = new FinishedRequest(rnd.nextLong(), rnd.nextInt(3), ts, pick(rnd), pick(rnd),
                    pick(rnd), pick(rnd), pick(rnd), pick(rnd), pick(rnd), pick(rnd), rnd.nextInt(600) - 1, pick(rnd),
                    pick(rnd), anyLong(rnd), rnd.nextBoolean() ? -1 : anyLong(rnd), anyLong(rnd), anyLong(rnd),
                    anyLong(rnd), anyLong(rnd), anyLong(rnd), pick(rnd), pick(rnd), rnd.nextInt(4), pick(rnd), pick(rnd),
                    picos(rnd), picos(rnd), rnd.nextLong(), rnd.nextInt(3) == 0 ? null : pick(rnd));
            StringBuilder sb = new StringBuilder();
            UsageJsonlProjection.format(sb, r);
            sb.append('\n');
            b.reset();
            b.line(r);
            // Bytes, not text: a lone surrogate becomes '?' in UTF-8 and must do so in both.
            assertEquals(java.util.HexFormat.of().formatHex(sb.toString().getBytes(StandardCharsets.UTF_8)),
                    java.util.HexFormat.of().formatHex(raw(b)), "bytes of line " + i + ": " + sb);
        }
    }

    @Test
    void moneyIsWrittenAsMoneyTextForAnyAmount() {
        Random rnd = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            Long p = picos(rnd);
            FinishedRequest r = new FinishedRequest(1, 0, 0, "r", "i", "m", null, "l", "p", "d", "stream", 200, null,
                    null, 0, 0, 0, 0, 0, 0, 0, null, "ok", 1, null, null, p, null, 1, null);
            UsageJsonlProjection.LineBuffer b = new UsageJsonlProjection.LineBuffer(16);
            b.line(r);
            String expected = p == null ? "null" : Money.text(p);
            assertEquals(true, text(b).contains("\"cost_usd\":" + expected + ","), expected + " in " + text(b));
        }
    }
}
