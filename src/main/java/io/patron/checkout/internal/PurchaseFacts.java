package io.patron.checkout.internal;

import io.patron.checkout.Basket;
import io.patron.checkout.TierStatus;
import io.patron.members.Member;
import io.patron.members.MemberCategory;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What rule conditions see, as CEL maps. {@code purchase}: subtotal, lineCount, categories, weekday
 * (1 = Monday … 7), hour, date (yyyy-MM-dd) — in the store's time zone — and storeCode.
 * {@code member}: present, categories, tier, language, daysToBirthday and daysSinceBirthday (0 on the
 * birthday; -1 when unknown), daysSinceEnrolment, purchaseCount (purchases before this one; -1 when
 * the programme does not ask), segments (codes of the saved segments the rules name that the member
 * belongs to). {@code line} (line conditions): sku, name, category, brand,
 * quantity, unitPrice, amount.
 */
public record PurchaseFacts(Map<String, Object> purchase, Map<String, Object> member, java.time.LocalDateTime local) {

    public static PurchaseFacts of(Basket basket, Member m, TierStatus tier, ZoneId zone, String storeCode) {
        return of(basket, m, tier, zone, storeCode, -1);
    }

    public static PurchaseFacts of(Basket basket, Member m, TierStatus tier, ZoneId zone, String storeCode,
                                   long purchaseCount) {
        return of(basket, m, tier, zone, storeCode, purchaseCount, List.of());
    }

    /** @param segments codes of the saved segments the member belongs to (those the rules name) */
    public static PurchaseFacts of(Basket basket, Member m, TierStatus tier, ZoneId zone, String storeCode,
                                   long purchaseCount, List<String> segments) {
        var local = basket.occurredAt().atZoneSameInstant(zone);
        Map<String, Object> purchase = new HashMap<>();
        purchase.put("subtotal", basket.subtotal().doubleValue());
        purchase.put("lineCount", (long) basket.lines().size());
        purchase.put("categories", basket.lines().stream().map(Basket.BasketLine::category)
                .filter(java.util.Objects::nonNull).map(c -> c.toLowerCase(Locale.ROOT)).distinct().toList());
        purchase.put("weekday", (long) local.getDayOfWeek().getValue());
        purchase.put("hour", (long) local.getHour());
        purchase.put("date", local.toLocalDate().toString());
        purchase.put("storeCode", storeCode == null ? "" : storeCode);
        Map<String, Object> member = new HashMap<>();
        member.put("present", m != null);
        member.put("categories", m == null ? List.of() : m.categories().stream().map(MemberCategory::name).sorted().toList());
        member.put("tier", tier == null ? "" : tier.tier().name());
        member.put("language", m == null ? "" : m.language().name());
        LocalDate today = local.toLocalDate();
        member.put("daysToBirthday", m == null || m.birthDate() == null ? -1L : daysTo(m.birthDate(), today));
        member.put("daysSinceBirthday", m == null || m.birthDate() == null ? -1L : daysSince(m.birthDate(), today));
        member.put("daysSinceEnrolment", m == null ? -1L
                : ChronoUnit.DAYS.between(m.createdAt().atZoneSameInstant(zone).toLocalDate(), today));
        member.put("purchaseCount", purchaseCount);
        member.put("segments", segments);
        return new PurchaseFacts(purchase, member, local.toLocalDateTime());
    }

    /** What a line condition sees of one line. */
    static Map<String, Object> line(Basket.BasketLine l) {
        Map<String, Object> line = new HashMap<>();
        line.put("sku", l.sku() == null ? "" : l.sku());
        line.put("name", l.name() == null ? "" : l.name());
        line.put("category", l.category() == null ? "" : l.category().toLowerCase(Locale.ROOT));
        line.put("brand", l.brand() == null ? "" : l.brand());
        line.put("quantity", l.quantity().doubleValue());
        line.put("unitPrice", l.unitPrice().doubleValue());
        line.put("amount", l.amount().doubleValue());
        return line;
    }

    static long daysTo(LocalDate birth, LocalDate today) {
        LocalDate next = birthday(birth, today.getYear());
        if (next.isBefore(today)) {
            next = birthday(birth, today.getYear() + 1);
        }
        return ChronoUnit.DAYS.between(today, next);
    }

    static long daysSince(LocalDate birth, LocalDate today) {
        LocalDate last = birthday(birth, today.getYear());
        if (last.isAfter(today)) {
            last = birthday(birth, today.getYear() - 1);
        }
        return ChronoUnit.DAYS.between(last, today);
    }

    /** The birthday in a year; 29 February falls on 28 February in other years. */
    private static LocalDate birthday(LocalDate birth, int year) {
        return birth.withYear(year);
    }
}
