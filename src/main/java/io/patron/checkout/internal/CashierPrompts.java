package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.checkout.TierStatus;
import io.patron.coupons.Coupons;
import io.patron.feedback.Feedback;
import io.patron.ledger.PointsAccount;
import io.patron.members.Member;
import io.patron.program.ProgramDefinition;
import io.patron.program.ProgramDefinition.Prompt;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * What the cashier should know now, as short lines for the till's display, most important first:
 * the greeting, a birthday, VIP service, coupons waiting, the way to the next tier, points about to
 * expire, an open survey, the balance — only the prompts the programme's {@code till.prompts} wants.
 * Pricing writes the first ones; this adds those that need a look at coupons, lots and surveys, then
 * orders and shortens them all. Lines for the receipt keep their order after the cashier's.
 */
@Component
public class CashierPrompts {

    /** The most a prompt may take on a till's display; longer ones (long names) end in "…". */
    public static final int PROMPT_CHARS_MAX = 64;
    /** Points expiring within this many days are worth a word at the till. */
    public static final int EXPIRING_SOON_DAYS = 30;

    private final Coupons coupons;
    private final Feedback feedback;
    private final MessageSource messages;

    CashierPrompts(Coupons coupons, Feedback feedback, MessageSource messages) {
        this.coupons = coupons;
        this.feedback = feedback;
        this.messages = messages;
    }

    public PricedBasket complete(PricedBasket priced, Member member, TierStatus tier, PointsAccount account, ProgramDefinition program,
                                 OffsetDateTime now) {
        List<PricedBasket.Message> all = new ArrayList<>(priced.messages());
        if (member != null) {
            Locale locale = member.language().locale();
            if (tier != null && tier.vipUntil() != null && program.prompts(Prompt.VIP)) {
                all.add(PricedBasket.Message.prompt(Prompt.VIP, text("till.vip", locale, tier.tier().name())));
            }
            long waiting = program.prompts(Prompt.COUPONS_WAITING) ? coupons.waiting(member.id().value(), now) : 0;
            if (waiting > 0) {
                all.add(PricedBasket.Message.prompt(Prompt.COUPONS_WAITING, text("till.couponsWaiting", locale,
                        waiting >= Coupons.WAITING_CAP ? Coupons.WAITING_CAP + "+" : Long.toString(waiting))));
            }
            if (account != null && program.prompts(Prompt.POINTS_EXPIRING)) {
                var soon = account.expiring().stream().filter(e -> !e.date().isAfter(now.toLocalDate().plusDays(EXPIRING_SOON_DAYS))).toList();
                if (!soon.isEmpty()) {
                    long points = soon.stream().mapToLong(PointsAccount.Expiring::points).sum();
                    all.add(PricedBasket.Message.prompt(Prompt.POINTS_EXPIRING, text("till.pointsExpiring", locale, points,
                            soon.getFirst().date().toString())));
                }
            }
            if (program.prompts(Prompt.SURVEY) && feedback.surveyOpen(member.id().value(), now)) {
                all.add(PricedBasket.Message.prompt(Prompt.SURVEY, text("till.survey", locale)));
            }
        }
        return priced.withOnlyMessages(ordered(all, program));
    }

    /** The cashier's prompts the programme wants, most important first and each short enough; then the other lines. */
    static List<PricedBasket.Message> ordered(List<PricedBasket.Message> messages, ProgramDefinition program) {
        List<PricedBasket.Message> cashier = new ArrayList<>();
        List<PricedBasket.Message> rest = new ArrayList<>();
        for (PricedBasket.Message m : messages) {
            if (m.kind() == null) {
                ("CASHIER".equals(m.audience()) ? cashier : rest).add(m);
            } else if (program.prompts(Prompt.valueOf(m.kind()))) {
                cashier.add(new PricedBasket.Message(m.audience(), shorten(m.text()), m.kind()));
            }
        }
        cashier.sort(Comparator.comparingInt(m -> m.kind() == null ? Prompt.values().length : Prompt.valueOf(m.kind()).ordinal()));
        cashier.addAll(rest);
        return cashier;
    }

    static String shorten(String text) {
        return text.length() <= PROMPT_CHARS_MAX ? text : text.substring(0, PROMPT_CHARS_MAX - 1).stripTrailing() + "…";
    }

    private String text(String key, Locale locale, Object... args) {
        return messages.getMessage(key, args, locale);
    }
}
