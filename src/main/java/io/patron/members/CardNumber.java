package io.patron.members;

import java.util.Optional;

/**
 * A loyalty card number: 13 digits with an EAN-13 check digit, so that a till's scanner and a cashier's
 * typing errors are caught before a lookup. Generated numbers start with 2 (the range GS1 leaves to
 * in-store use) followed by an 11-digit sequence number.
 */
public record CardNumber(String value) {

    public static final int LENGTH = 13;
    private static final long SEQUENCE_MAX = 99_999_999_999L;

    public CardNumber {
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a valid EAN-13 card number: " + value);
        }
    }

    public static Optional<CardNumber> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String digits = text.trim();
        return isValid(digits) ? Optional.of(new CardNumber(digits)) : Optional.empty();
    }

    /** The card number for the n-th generated card. */
    public static CardNumber generated(long sequence) {
        if (sequence < 1 || sequence > SEQUENCE_MAX) {
            throw new IllegalStateException("card sequence out of range: " + sequence);
        }
        String body = "2" + String.format("%011d", sequence);
        return new CardNumber(body + checkDigit(body));
    }

    public static boolean isValid(String text) {
        if (text == null || text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return checkDigit(text.substring(0, 12)) == text.charAt(12) - '0';
    }

    /** EAN-13 check digit of the first twelve digits: weights 1 and 3 alternating from the left. */
    static int checkDigit(String twelveDigits) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            int digit = twelveDigits.charAt(i) - '0';
            sum += (i % 2 == 0) ? digit : digit * 3;
        }
        return (10 - sum % 10) % 10;
    }

    @Override
    public String toString() {
        return value;
    }
}
