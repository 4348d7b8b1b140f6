package io.patron.checkout;

import io.patron.common.Validation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A checked basket: at least one and at most {@value #LINES_MAX} lines with unique ids, positive
 * quantities (up to 3 decimals), non-negative prices (up to 2 decimals), and a time no later than
 * {@link #FUTURE_TOLERANCE} from now and no earlier than the offline window allows.
 */
public record Basket(String receiptId, OffsetDateTime occurredAt, PurchaseRequest.MemberRef member, List<BasketLine> lines,
                     List<String> couponCodes, long pointsToRedeem) {

    public static final int LINES_MAX = 500;
    public static final int REDEMPTION_CODE_MAX = 12;

    /** Whether the buyer was identified by a phone number as told to the cashier, not by a card or QR code. */
    public boolean byPhone() {
        return member != null && (member.cardNumber() == null || member.cardNumber().isBlank())
                && member.phone() != null && !member.phone().isBlank();
    }
    public static final int COUPONS_MAX = 20;
    public static final int ID_MAX = 64;
    public static final int TEXT_MAX = 200;
    public static final BigDecimal QUANTITY_MAX = new BigDecimal("100000");
    public static final BigDecimal PRICE_MAX = new BigDecimal("10000000");
    public static final BigDecimal LINE_AMOUNT_MAX = new BigDecimal("100000000");
    public static final long POINTS_MAX = 1_000_000_000L;
    public static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    private static final Pattern ID = Pattern.compile("[\\p{Alnum}._:/#-]{1,64}");

    public Basket {
        lines = List.copyOf(lines);
        couponCodes = List.copyOf(couponCodes);
    }

    /** One line of the basket with its amount (quantity × unit price, rounded to the cent). */
    public record BasketLine(int index, String lineId, String sku, String name, String category, String brand,
                             BigDecimal quantity, BigDecimal unitPrice, BigDecimal amount) {
    }

    public BigDecimal subtotal() {
        return lines.stream().map(BasketLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /**
     * Checks a request; every violation is collected, so the till learns about all of them at once.
     * {@code now} and {@code offlineDays} bound {@code occurredAt}; without one, the sale happened now.
     */
    public static Basket from(PurchaseRequest r, OffsetDateTime now, int offlineDays) {
        Validation v = new Validation();
        if (r.receiptId() == null || !ID.matcher(r.receiptId()).matches()) {
            v.reject("receiptId", "is required: 1 to 64 letters, digits or . _ : / # -");
        }
        OffsetDateTime occurredAt = r.occurredAt() == null ? now : r.occurredAt();
        if (occurredAt.isAfter(now.plus(FUTURE_TOLERANCE))) {
            v.reject("occurredAt", "is more than 5 minutes in the future");
        } else if (occurredAt.isBefore(now.minusDays(offlineDays))) {
            v.reject("occurredAt", "is more than " + offlineDays + " days in the past");
        }
        if (r.member() != null) {
            boolean card = r.member().cardNumber() != null && !r.member().cardNumber().isBlank();
            boolean phone = r.member().phone() != null && !r.member().phone().isBlank();
            if (!card && !phone) {
                v.reject("member", "give cardNumber or phone, or leave member out for an anonymous sale");
            }
            if (card && r.member().cardNumber().length() > ID_MAX) {
                v.reject("member.cardNumber", "at most 64 characters");
            }
            if (phone && r.member().phone().length() > 32) {
                v.reject("member.phone", "at most 32 characters");
            }
        }
        List<BasketLine> lines = new ArrayList<>();
        if (r.lines() == null || r.lines().isEmpty()) {
            v.reject("lines", "the basket is empty");
        } else if (r.lines().size() > LINES_MAX) {
            v.reject("lines", "at most " + LINES_MAX + " lines");
        } else {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < r.lines().size(); i++) {
                BasketLine line = line(i, r.lines().get(i), ids, v);
                if (line != null) {
                    lines.add(line);
                }
            }
        }
        List<String> coupons = r.couponCodes() == null ? List.of() : r.couponCodes();
        if (coupons.size() > COUPONS_MAX) {
            v.reject("couponCodes", "at most " + COUPONS_MAX + " codes");
        }
        for (int i = 0; i < Math.min(coupons.size(), COUPONS_MAX); i++) {
            String code = coupons.get(i);
            if (code == null || code.isBlank() || code.length() > ID_MAX) {
                v.reject("couponCodes[" + i + "]", "1 to 64 characters");
            }
        }
        if (r.redemptionCode() != null && r.redemptionCode().length() > REDEMPTION_CODE_MAX) {
            v.reject("redemptionCode", "at most " + REDEMPTION_CODE_MAX + " characters");
        }
        long points = r.pointsToRedeem() == null ? 0 : r.pointsToRedeem();
        if (points < 0 || points > POINTS_MAX) {
            v.reject("pointsToRedeem", "must be between 0 and " + POINTS_MAX);
        }
        v.throwIfInvalid();
        return new Basket(r.receiptId(), occurredAt, r.member(), lines,
                coupons.stream().map(String::trim).toList(), points);
    }

    private static BasketLine line(int i, PurchaseRequest.Line l, Set<String> ids, Validation v) {
        String at = "lines[" + i + "]";
        if (l == null) {
            v.reject(at, "is empty");
            return null;
        }
        int errors = v.violations().size();
        if (l.lineId() == null || !ID.matcher(l.lineId()).matches()) {
            v.reject(at + ".lineId", "is required: 1 to 64 letters, digits or . _ : / # -");
        } else if (!ids.add(l.lineId())) {
            v.reject(at + ".lineId", "'" + l.lineId() + "' appears twice");
        }
        text(v, at + ".sku", l.sku(), ID_MAX);
        text(v, at + ".name", l.name(), TEXT_MAX);
        text(v, at + ".category", l.category(), ID_MAX);
        text(v, at + ".brand", l.brand(), ID_MAX);
        if (l.quantity() == null || l.quantity().signum() <= 0) {
            v.reject(at + ".quantity", "must be greater than 0");
        } else if (l.quantity().stripTrailingZeros().scale() > 3 || l.quantity().compareTo(QUANTITY_MAX) > 0) {
            v.reject(at + ".quantity", "at most 3 decimals and at most " + QUANTITY_MAX);
        }
        if (l.unitPrice() == null || l.unitPrice().signum() < 0) {
            v.reject(at + ".unitPrice", "is required and must not be negative");
        } else if (l.unitPrice().stripTrailingZeros().scale() > 2) {
            v.reject(at + ".unitPrice", "at most 2 decimals");
        } else if (l.unitPrice().compareTo(PRICE_MAX) > 0) {
            v.reject(at + ".unitPrice", "at most " + PRICE_MAX);
        }
        if (v.violations().size() > errors) {
            return null;
        }
        BigDecimal amount = l.quantity().multiply(l.unitPrice()).setScale(2, RoundingMode.HALF_UP);
        if (amount.compareTo(LINE_AMOUNT_MAX) > 0) {
            v.reject(at, "the line amount is over " + LINE_AMOUNT_MAX);
            return null;
        }
        return new BasketLine(i, l.lineId(), trim(l.sku()), trim(l.name()), trim(l.category()), trim(l.brand()),
                plain(l.quantity()), l.unitPrice().setScale(2, RoundingMode.UNNECESSARY), amount);
    }

    private static void text(Validation v, String field, String value, int max) {
        if (value != null && value.length() > max) {
            v.reject(field, "at most " + max + " characters");
        }
    }

    /** 6.000 → 6 and 100 → 100 (never 1E+2). */
    static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
