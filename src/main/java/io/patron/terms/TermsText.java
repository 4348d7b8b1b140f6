package io.patron.terms;

import static io.patron.common.Amounts.money;
import static io.patron.common.Amounts.number;

import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.context.MessageSource;

/**
 * The terms in words: sections of sentences in one language, each sentence built from the message
 * bundle and the terms' numbers. The pages, the API and the history of changes all use it, so a
 * change of the programme changes the text everywhere at once.
 */
public final class TermsText {

    /** A titled part of the terms: its key (earning, spending, tiers …), title and sentences. */
    public record Section(String key, String title, List<String> sentences) {
    }

    private final MessageSource messages;
    private final Locale locale;

    public TermsText(MessageSource messages, Locale locale) {
        this.messages = messages;
        this.locale = locale;
    }

    private String m(String key, Object... args) {
        return messages.getMessage(key, args, locale);
    }

    public List<Section> sections(Terms t) {
        List<Section> sections = new ArrayList<>();
        sections.add(new Section("earning", m("terms.section.earning"), earning(t)));
        sections.add(new Section("spending", m("terms.section.spending"), spending(t)));
        if (t.tiers() != null) {
            sections.add(new Section("tiers", m("terms.section.tiers"), tiers(t)));
        }
        if (!t.promotions().isEmpty()) {
            sections.add(new Section("promotions", m("terms.section.promotions"), t.promotions().stream().map(p -> promotion(p, t)).toList()));
        }
        if (!t.draws().isEmpty()) {
            sections.add(new Section("draws", m("terms.section.draws"), t.draws().stream()
                    .map(d -> m("terms.draw", d.name(), d.entryTo() == null ? "—" : d.entryTo().toLocalDate().toString())).toList()));
        }
        if (t.referral() != null) {
            sections.add(new Section("referral", m("terms.section.referral"), List.of(m("terms.referral",
                    money(t.referral().minimumPurchase(), t.currency(), locale), t.referral().referrerPoints(), t.referral().newcomerPoints()))));
        }
        return sections;
    }

    private List<String> earning(Terms t) {
        var e = t.earning();
        List<String> s = new ArrayList<>();
        s.add(m("terms.earn", e.points(), money(e.perAmount(), t.currency(), locale)));
        s.add(m("terms.rounding." + e.rounding()));
        if (!e.excludedCategories().isEmpty()) {
            s.add(m("terms.excluded", String.join(", ", e.excludedCategories())));
        }
        s.add(e.pendingDays() == 0 ? m("terms.pendingNone") : m("terms.pending", e.pendingDays()));
        s.add(m("terms.expiry", e.expiryMonths()));
        return s;
    }

    private List<String> spending(Terms t) {
        var r = t.redemption();
        List<String> s = new ArrayList<>();
        s.add(m("terms.value", money(r.pointValue(), t.currency(), locale)));
        s.add(m("terms.cap", number(r.maxSharePercent())));
        if (r.minBalance() > 0) {
            s.add(m("terms.minBalance", r.minBalance()));
        }
        return s;
    }

    private List<String> tiers(Terms t) {
        var tiers = t.tiers();
        List<String> s = new ArrayList<>();
        s.add(m("terms.basis." + tiers.basis(), tiers.rollingMonths() == null ? 0 : tiers.rollingMonths()));
        boolean points = tiers.basis().startsWith("POINTS");
        for (Terms.Level level : tiers.levels()) {
            String from = points ? m("terms.points", number(level.threshold())) : money(level.threshold(), t.currency(), locale);
            s.add(m("terms.tier", level.name(), from, number(level.discountPercent()), number(level.earnMultiplier())));
        }
        if (tiers.graceMonths() > 0) {
            s.add(m("terms.grace", tiers.graceMonths()));
        }
        return s;
    }

    private String promotion(Terms.Promotion p, Terms t) {
        String value = p.value() == null ? "" : number(p.value());
        String per = p.perAmount() == null ? "" : money(p.perAmount(), t.currency(), locale);
        String effect = switch (p.effect()) {
            case "FIXED_DISCOUNT" -> m("terms.effect.FIXED_DISCOUNT", money(p.value(), t.currency(), locale));
            case "POINTS_PER_AMOUNT" -> m("terms.effect.POINTS_PER_AMOUNT", value, per);
            case "DRAW_TICKETS" -> p.perAmount() == null ? m("terms.effect.DRAW_TICKETS_PER_SALE", value) : m("terms.effect.DRAW_TICKETS", value, per);
            default -> m("terms.effect." + p.effect(), value);
        };
        StringBuilder s = new StringBuilder(p.name()).append(": ").append(effect);
        if (!p.categories().isEmpty()) {
            s.append(' ').append(m("terms.on", String.join(", ", p.categories())));
        }
        if (p.from() != null || p.to() != null) {
            s.append(' ').append(m("terms.dates", p.from() == null ? "…" : p.from().toString(), p.to() == null ? "…" : p.to().toString()));
        }
        if (!p.weekdays().isEmpty()) {
            s.append(' ').append(m("terms.weekdays", p.weekdays().stream()
                    .map(d -> DayOfWeek.of(d).getDisplayName(TextStyle.SHORT, locale)).collect(Collectors.joining(", "))));
        }
        if (p.fromHour() != null && p.toHour() != null) {
            s.append(' ').append(m("terms.hours", p.fromHour(), p.toHour()));
        }
        if ("BEST_OF".equals(p.stacking()) && (p.effect().endsWith("DISCOUNT"))) {
            s.append(' ').append(m("terms.bestOf"));
        }
        return s.toString();
    }
}
