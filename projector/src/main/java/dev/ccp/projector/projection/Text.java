package dev.ccp.projector.projection;

import java.time.LocalDate;

/** Fixed, deterministic text forms: ISO-8601 UTC times, milliseconds, JSON strings. */
public final class Text {
    private static long cachedDay = Long.MIN_VALUE;
    private static String cachedDate = "";

    private Text() {
    }

    /** {@code 2026-11-24T10:29:30.123Z}: UTC, always three fraction digits. */
    public static synchronized String iso(long tsUs) {
        long ms = Math.floorDiv(tsUs, 1_000L);
        long day = Math.floorDiv(ms, 86_400_000L);
        if (day != cachedDay) {
            cachedDay = day;
            cachedDate = LocalDate.ofEpochDay(day).toString();
        }
        int msOfDay = (int) Math.floorMod(ms, 86_400_000L);
        StringBuilder sb = new StringBuilder(24).append(cachedDate).append('T');
        two(sb, msOfDay / 3_600_000);
        sb.append(':');
        two(sb, msOfDay / 60_000 % 60);
        sb.append(':');
        two(sb, msOfDay / 1_000 % 60);
        sb.append('.');
        int frac = msOfDay % 1_000;
        sb.append((char) ('0' + frac / 100)).append((char) ('0' + frac / 10 % 10)).append((char) ('0' + frac % 10));
        return sb.append('Z').toString();
    }

    /** Microseconds as milliseconds with at most three decimals and no trailing zeros: 12345 → 12.345, 12000 → 12. */
    public static void millis(StringBuilder sb, long micros) {
        if (micros < 0) {
            sb.append('-');
            micros = -micros;
        }
        sb.append(micros / 1_000);
        int frac = (int) (micros % 1_000);
        if (frac != 0) {
            sb.append('.');
            sb.append((char) ('0' + frac / 100));
            if (frac % 100 != 0) {
                sb.append((char) ('0' + frac / 10 % 10));
                if (frac % 10 != 0) {
                    sb.append((char) ('0' + frac % 10));
                }
            }
        }
    }

    public static String millis(long micros) {
        StringBuilder sb = new StringBuilder();
        millis(sb, micros);
        return sb.toString();
    }

    /** A JSON string literal, or {@code null}. */
    public static void string(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void two(StringBuilder sb, int v) {
        sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
