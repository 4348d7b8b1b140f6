package io.patron.common;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;

/** Money and numbers as members read them: without needless zeros, the currency as their language writes it. */
public final class Amounts {

    private Amounts() {
    }

    /** The currency as the language writes it (₽ for RUB in Russian), else its code. */
    public static String symbol(String currency, Locale locale) {
        try {
            return Currency.getInstance(currency).getSymbol(locale);
        } catch (IllegalArgumentException | NullPointerException e) {
            return String.valueOf(currency);
        }
    }

    /** 10, 2.5, 0.25: a number without trailing zeros. */
    public static String number(BigDecimal value) {
        return value == null ? "" : value.stripTrailingZeros().toPlainString();
    }

    /** "1000 ₽": an amount with its currency. */
    public static String money(BigDecimal value, String currency, Locale locale) {
        return number(value) + "\u00a0" + symbol(currency, locale);
    }
}
