package io.patron.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoding and the parts a text costs, at the boundaries where one more character costs one more part. */
class SmsTextTest {

    @Test
    void latinTextIsGsmWith160CharactersInOneMessageAnd153PerPart() {
        assertThat(SmsText.segments("a".repeat(160))).isEqualTo(new SmsText.Segments(SmsText.Encoding.GSM7, 160, 1, 160));
        assertThat(SmsText.segments("a".repeat(161))).isEqualTo(new SmsText.Segments(SmsText.Encoding.GSM7, 161, 2, 153));
        assertThat(SmsText.segments("a".repeat(306)).parts()).isEqualTo(2);
        assertThat(SmsText.segments("a".repeat(307)).parts()).isEqualTo(3);
    }

    @Test
    void theExtensionCharactersCountTwice() {
        assertThat(SmsText.segments("€").units()).isEqualTo(2);
        assertThat(SmsText.segments("[x]{y}").units()).isEqualTo(10);
        assertThat(SmsText.segments("€".repeat(80)).parts()).isEqualTo(1);
        assertThat(SmsText.segments("€".repeat(81)).parts()).isEqualTo(2);
    }

    @Test
    void cyrillicArmenianAndRomanianDiacriticsAreUcs2With70CharactersInOneMessageAnd67PerPart() {
        assertThat(SmsText.segments("я".repeat(70))).isEqualTo(new SmsText.Segments(SmsText.Encoding.UCS2, 70, 1, 70));
        assertThat(SmsText.segments("я".repeat(71))).isEqualTo(new SmsText.Segments(SmsText.Encoding.UCS2, 71, 2, 67));
        assertThat(SmsText.segments("Բարև").encoding()).isEqualTo(SmsText.Encoding.UCS2);
        // ș and ț are not in the GSM alphabet (ă is not either): Romanian with diacritics costs UCS-2.
        assertThat(SmsText.segments("Mulțumim").encoding()).isEqualTo(SmsText.Encoding.UCS2);
        assertThat(SmsText.segments("Multumim").encoding()).isEqualTo(SmsText.Encoding.GSM7);
        // One character outside the alphabet turns a whole Latin text into UCS-2.
        assertThat(SmsText.segments("a".repeat(100) + "😀").parts()).isEqualTo(2);
    }

    @Test
    void partsAreCutWithoutSplittingAnEscapePairOrASurrogatePair() {
        String gsm = "a".repeat(152) + "€" + "b".repeat(10);
        List<byte[]> parts = SmsText.encodedParts(gsm);
        assertThat(parts).hasSize(2);
        assertThat(parts.getFirst()).hasSize(152);
        assertThat(SmsText.fromGsm(concat(parts))).isEqualTo(gsm);

        String emoji = "я".repeat(66) + "😀" + "я".repeat(10);
        List<byte[]> ucs = SmsText.encodedParts(emoji);
        assertThat(ucs).hasSize(2);
        assertThat(new String(ucs.getFirst(), StandardCharsets.UTF_16BE)).isEqualTo("я".repeat(66));
        assertThat(new String(concat(ucs), StandardCharsets.UTF_16BE)).isEqualTo(emoji);
    }

    @Test
    void gsmSeptetsReadBackAsTheText() {
        String text = "Hello @ £5 ÆØÅ é ü {x} € ~ \\ | ^ [y]\n";
        assertThat(SmsText.gsm("@")).containsExactly(0x00);
        assertThat(SmsText.gsm("A")).containsExactly(0x41);
        assertThat(SmsText.gsm("€")).containsExactly(0x1b, 0x65);
        assertThat(SmsText.fromGsm(SmsText.gsm(text))).isEqualTo(text);
    }

    private static byte[] concat(List<byte[]> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
