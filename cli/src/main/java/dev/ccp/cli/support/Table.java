package dev.ccp.cli.support;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An aligned text table for people: a header row, columns padded to their widest cell, two spaces apart. */
public final class Table {
    private final String[] header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
        this.right = new boolean[header.length];
    }

    /** Right-aligns the given columns (numbers). */
    public Table alignRight(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    public Table row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toArray(String[]::new));
        return this;
    }

    public void print(PrintWriter out) {
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        line(out, header, width);
        for (String[] r : rows) {
            line(out, r, width);
        }
    }

    private void line(PrintWriter out, String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            boolean last = c == cells.length - 1;
            String pad = " ".repeat(width[c] - cells[c].length());
            if (right[c]) {
                b.append(pad).append(cells[c]);
            } else {
                b.append(cells[c]);
                if (!last) {
                    b.append(pad);
                }
            }
            if (!last) {
                b.append("  ");
            }
        }
        out.println(b);
    }
}
