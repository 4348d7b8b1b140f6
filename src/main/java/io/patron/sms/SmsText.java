package io.patron.sms;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a text travels as SMS (3GPP TS 23.038): in the GSM 7-bit default alphabet when every character
 * is in it (160 characters in one message, 153 per part when split; the extension characters
 * {@code ^ { } \ [ ~ ] | €} take two), otherwise in UCS-2 (70 characters, 67 per part) — so Cyrillic
 * or Armenian text, or one emoji in Latin text, costs more than twice as many parts.
 */
public final class SmsText {

    public enum Encoding { GSM7, UCS2 }

    /** The encoding, the length in its units (septets or UTF-16 code units) and the parts the text needs. */
    public record Segments(Encoding encoding, int units, int parts, int perPart) {

        /** Units left in the last part before one more part is needed. */
        public int remaining() {
            return parts * perPart - units;
        }
    }

    public static final int MAX_PARTS = 10;

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION = "\f^{}\\[~]|€";
    private static final byte[] EXTENSION_CODES = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};

    private SmsText() {
    }

    public static Segments segments(String text) {
        int septets = septets(text);
        if (septets >= 0) {
            return new Segments(Encoding.GSM7, septets, parts(septets, 160, 153), septets <= 160 ? 160 : 153);
        }
        int units = text.length();
        return new Segments(Encoding.UCS2, units, parts(units, 70, 67), units <= 70 ? 70 : 67);
    }

    private static int parts(int units, int single, int perPart) {
        if (units <= single) {
            return 1;
        }
        return (units + perPart - 1) / perPart;
    }

    /** The text's length in GSM septets, or -1 when a character is not in the GSM alphabet. */
    static int septets(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\u001b' && BASIC.indexOf(c) >= 0) {
                n++;
            } else if (EXTENSION.indexOf(c) >= 0) {
                n += 2;
            } else {
                return -1;
            }
        }
        return n;
    }

    /**
     * The text cut into the parts a provider sends, as bytes: GSM septets one per byte (unpacked, as
     * SMPP's default data coding carries them) or UTF-16BE, never splitting an escape pair or a
     * surrogate pair across parts.
     */
    public static List<byte[]> encodedParts(String text) {
        Segments segments = segments(text);
        List<byte[]> parts = new ArrayList<>();
        if (segments.encoding() == Encoding.GSM7) {
            byte[] all = gsm(text);
            int per = segments.parts() == 1 ? 160 : 153;
            int start = 0;
            while (start < all.length) {
                int end = Math.min(all.length, start + per);
                if (end < all.length && all[end - 1] == 0x1b) {
                    end--;
                }
                parts.add(java.util.Arrays.copyOfRange(all, start, end));
                start = end;
            }
        } else {
            int per = segments.parts() == 1 ? 70 : 67;
            int start = 0;
            while (start < text.length()) {
                int end = Math.min(text.length(), start + per);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--;
                }
                parts.add(text.substring(start, end).getBytes(StandardCharsets.UTF_16BE));
                start = end;
            }
        }
        return parts;
    }

    /** GSM 03.38 septets, one per byte; the text must be in the GSM alphabet. */
    public static byte[] gsm(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int basic = c == '\u001b' ? -1 : BASIC.indexOf(c);
            if (basic >= 0) {
                out.write(basic);
                continue;
            }
            int ext = EXTENSION.indexOf(c);
            if (ext < 0) {
                throw new IllegalArgumentException("not in the GSM alphabet: U+" + Integer.toHexString(c));
            }
            out.write(0x1b);
            out.write(EXTENSION_CODES[ext]);
        }
        return out.toByteArray();
    }

    /** Reads GSM septets (one per byte) back as text. */
    public static String fromGsm(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int b = septets[i] & 0x7f;
            if (b == 0x1b && i + 1 < septets.length) {
                int code = septets[++i];
                for (int k = 0; k < EXTENSION_CODES.length; k++) {
                    if (EXTENSION_CODES[k] == code) {
                        text.append(EXTENSION.charAt(k));
                    }
                }
            } else {
                text.append(BASIC.charAt(b));
            }
        }
        return text.toString();
    }
}
