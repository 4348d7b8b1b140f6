package io.patron.members;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CardNumberTest {

    @Test
    void theContractsExampleCardHasAValidCheckDigit() {
        assertThat(CardNumber.isValid("2000000000015")).isTrue();
        assertThat(CardNumber.generated(1).value()).isEqualTo("2000000000015");
    }

    @Test
    void aRealEan13IsAccepted() {
        assertThat(CardNumber.isValid("4006381333931")).isTrue();
    }

    @Test
    void everySingleDigitTypoIsCaught() {
        String valid = "4006381333931";
        for (int position = 0; position < 13; position++) {
            for (char digit = '0'; digit <= '9'; digit++) {
                if (digit == valid.charAt(position)) {
                    continue;
                }
                String typo = valid.substring(0, position) + digit + valid.substring(position + 1);
                assertThat(CardNumber.isValid(typo)).as(typo).isFalse();
            }
        }
    }

    @Test
    void generatedNumbersAreValidDistinctAndInTheInStoreRange() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 10_000; i++) {
            long sequence = 1 + (long) (random.nextDouble() * 99_999_999_998L);
            CardNumber card = CardNumber.generated(sequence);
            assertThat(card.value()).as("seed %d sequence %d", seed, sequence).hasSize(13).startsWith("2");
            assertThat(CardNumber.isValid(card.value())).isTrue();
        }
        assertThat(CardNumber.generated(41)).isNotEqualTo(CardNumber.generated(42));
    }

    @Test
    void malformedNumbersAreRefused() {
        assertThat(CardNumber.parse("200000000001")).isEmpty();
        assertThat(CardNumber.parse("20000000000150")).isEmpty();
        assertThat(CardNumber.parse("200000000001X")).isEmpty();
        assertThat(CardNumber.parse(null)).isEmpty();
        assertThat(CardNumber.parse(" 2000000000015 ")).contains(new CardNumber("2000000000015"));
        assertThatThrownBy(() -> new CardNumber("2000000000016")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CardNumber.generated(0)).isInstanceOf(IllegalStateException.class);
    }
}
