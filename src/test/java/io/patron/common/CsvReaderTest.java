package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

    private static List<List<String>> read(String csv) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (CsvReader reader = new CsvReader(new StringReader(csv))) {
            List<String> record;
            while ((record = reader.next()) != null) {
                records.add(record);
            }
        }
        return records;
    }

    @Test
    void plainQuotedAndEmptyFieldsAreRead() throws IOException {
        assertThat(read("a,b,c\n1,\"x, y\",\n\"say \"\"hi\"\"\",,3\r\n")).containsExactly(
                List.of("a", "b", "c"), List.of("1", "x, y", ""), List.of("say \"hi\"", "", "3"));
    }

    @Test
    void lineBreaksInsideQuotesStayInTheField() throws IOException {
        assertThat(read("\"two\nlines\",x")).containsExactly(List.of("two\nlines", "x"));
    }

    @Test
    void blankLinesAreSkippedAndTheLastLineNeedsNoBreak() throws IOException {
        assertThat(read("a\n\n\nb")).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void anUnclosedQuoteIsAnErrorWithItsLine() {
        assertThatThrownBy(() -> read("a\nb\n\"open")).isInstanceOf(CsvReader.CsvException.class)
                .hasMessageContaining("line 3");
    }

    @Test
    void aHugeFieldIsRefusedInsteadOfFillingTheHeap() {
        assertThatThrownBy(() -> read("x".repeat(CsvReader.FIELD_LENGTH_MAX + 1)))
                .isInstanceOf(CsvReader.CsvException.class);
    }
}
