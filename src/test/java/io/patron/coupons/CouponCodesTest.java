package io.patron.coupons;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A million independently drawn codes: all distinct, all from the readable alphabet, all the same length. */
class CouponCodesTest {

    @Test
    void aMillionDrawnCodesAreDistinctAndReadable() {
        Set<String> codes = new HashSet<>(2_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            codes.add(CouponCodes.next(null));
        }
        assertThat(codes).hasSize(1_000_000);
        assertThat(codes).allSatisfy(c -> assertThat(c).hasSize(CouponCodes.LENGTH)
                .matches("[" + CouponCodes.ALPHABET + "]+").doesNotContain("0", "O", "1", "I", "L"));
        assertThat(CouponCodes.ALPHABET).hasSize(CouponCodes.ALPHABET_SIZE);
        assertThat(CouponCodes.next("SPRING")).matches("SPRING-[" + CouponCodes.ALPHABET + "]{10}");
        assertThat(CouponCodes.normalise("  spring-ab2c ")).isEqualTo("SPRING-AB2C");
    }
}
