package io.patron.coupons;

import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Coupon codes: {@value #LENGTH} characters from an alphabet of {@value #ALPHABET_SIZE} without
 * look-alikes (the digits 2–9 and the letters but I, L and O), drawn from {@link SecureRandom} so
 * that no code can be predicted from others, after an optional prefix.
 * 31^10 ≈ 8.2 × 10^14 codes per prefix: docs/operations.md works out why guessing is hopeless.
 */
public final class CouponCodes {

    public static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public static final int ALPHABET_SIZE = 31;
    public static final int LENGTH = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CouponCodes() {
    }

    /** One random code, {@code PREFIX-XXXXXXXXXX} or just the random part. */
    public static String next(String prefix) {
        char[] code = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            code[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET_SIZE));
        }
        return prefix == null || prefix.isBlank() ? new String(code) : prefix + "-" + new String(code);
    }

    /** {@code count} distinct random codes. */
    public static Set<String> distinct(String prefix, int count) {
        Set<String> codes = new LinkedHashSet<>(count * 2);
        while (codes.size() < count) {
            codes.add(next(prefix));
        }
        return codes;
    }

    /** How a till's or a person's typing is read: trimmed, upper case. */
    public static String normalise(String code) {
        return code == null ? "" : code.trim().toUpperCase(java.util.Locale.ROOT);
    }
}
