package io.patron.common;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 CSV reader: quoted fields, doubled quotes, commas and line breaks inside
 * quotes, CRLF or LF. Records are read one at a time so files of any size stay out of the heap;
 * a field or a record over its limit is an error rather than a memory problem.
 */
public final class CsvReader implements AutoCloseable {

    public static final int FIELD_LENGTH_MAX = 10_000;
    public static final int FIELDS_MAX = 200;

    private final Reader in;
    private final char separator;
    private long line = 1;
    private long recordLine;
    private int pushback = -2;

    public CsvReader(Reader in, char separator) {
        this.in = in;
        this.separator = separator;
    }

    public CsvReader(Reader in) {
        this(in, ',');
    }

    /** The line where the last record returned started (1-based). */
    public long recordLine() {
        return recordLine;
    }

    /** The next record, or null at the end of the input. */
    public List<String> next() throws IOException {
        int c = read();
        while (c == '\r' || c == '\n') { // skip blank lines
            if (c == '\n') {
                line++;
            }
            c = read();
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStarted = false;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new CsvException(recordLine, "a quoted field is not closed");
                }
                if (c == '"') {
                    int next = read();
                    if (next == '"') {
                        append(field, '"');
                    } else {
                        quoted = false;
                        c = next;
                        continue;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    append(field, (char) c);
                }
            } else if (c == '"' && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
            } else if (c == separator) {
                addField(fields, field);
                field.setLength(0);
                fieldStarted = false;
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c == '\r') {
                    int next = read();
                    if (next != '\n') {
                        unread(next);
                    }
                }
                if (c != -1) {
                    line++;
                }
                addField(fields, field);
                return fields;
            } else {
                append(field, (char) c);
                fieldStarted = true;
            }
            c = read();
        }
    }

    private void addField(List<String> fields, StringBuilder field) {
        if (fields.size() >= FIELDS_MAX) {
            throw new CsvException(recordLine, "more than " + FIELDS_MAX + " fields");
        }
        fields.add(field.toString());
    }

    private void append(StringBuilder field, char c) {
        if (field.length() >= FIELD_LENGTH_MAX) {
            throw new CsvException(recordLine, "a field is longer than " + FIELD_LENGTH_MAX + " characters");
        }
        field.append(c);
    }

    private int read() throws IOException {
        if (pushback != -2) {
            int c = pushback;
            pushback = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pushback = c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The input is not CSV at the given line. */
    public static final class CsvException extends RuntimeException {
        private final long line;

        public CsvException(long line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }
}
