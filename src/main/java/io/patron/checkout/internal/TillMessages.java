package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.program.ProgramDefinition.Prompt;
import java.util.Locale;
import org.springframework.context.MessageSource;

/**
 * What the cashier tells the member, in the member's language: a greeting (a birthday one in the
 * birthday week), the points they have, the way to the next tier — prompts that {@code CashierPrompts}
 * completes, orders and shortens after pricing.
 */
final class TillMessages implements PricingStage {

    private final MessageSource messages;

    TillMessages(MessageSource messages) {
        this.messages = messages;
    }

    @Override
    public void apply(PricingContext context) {
        if (context.member == null) {
            return;
        }
        Locale locale = context.member.language().locale();
        String name = context.member.firstName();
        if (name != null && !name.isBlank()) {
            context.messages.add(PricedBasket.Message.prompt(Prompt.GREETING, messages.getMessage("till.greeting", new Object[] {name}, locale)));
        }
        Object sinceBirthday = context.facts == null ? null : context.facts.member().get("daysSinceBirthday");
        if (name != null && !name.isBlank() && sinceBirthday instanceof Long days && days >= 0 && days < 7) {
            context.messages.add(PricedBasket.Message.prompt(Prompt.BIRTHDAY, messages.getMessage("till.birthday", new Object[] {name}, locale)));
            context.messages.add(new PricedBasket.Message("RECEIPT", messages.getMessage("till.birthday", new Object[] {name}, locale)));
        }
        if (context.account != null) {
            context.messages.add(PricedBasket.Message.prompt(Prompt.BALANCE,
                    messages.getMessage("till.points", new Object[] {context.account.available(), context.account.pending()}, locale)));
        }
        if (context.tier != null && context.tier.next() != null && context.tier.points()) {
            context.messages.add(PricedBasket.Message.prompt(Prompt.NEXT_TIER, messages.getMessage("till.nextTierPoints",
                    new Object[] {context.tier.needed().setScale(0, java.math.RoundingMode.UP), context.tier.next().name()}, locale)));
        } else if (context.tier != null && context.tier.next() != null) {
            context.messages.add(PricedBasket.Message.prompt(Prompt.NEXT_TIER, messages.getMessage("till.nextTier",
                    new Object[] {context.tier.needed().setScale(0, java.math.RoundingMode.UP), symbol(context.program.definition().currency(), locale),
                            context.tier.next().name()}, locale)));
        }
        if (context.pointsEarned > 0) {
            context.messages.add(new PricedBasket.Message("RECEIPT",
                    messages.getMessage("till.earned", new Object[] {context.pointsEarned}, locale)));
        }
    }

    static String symbol(String currency, Locale locale) {
        return io.patron.common.Amounts.symbol(currency, locale);
    }
}
