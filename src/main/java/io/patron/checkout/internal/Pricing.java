package io.patron.checkout.internal;

import io.patron.checkout.Basket;
import io.patron.checkout.PricedBasket;
import io.patron.checkout.TierStatus;
import io.patron.ledger.PointsAccount;
import io.patron.members.Member;
import io.patron.program.ActiveProgram;
import java.util.List;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * Prices a basket by running the stages in order. Pricing has no side effects: a quote and a commit
 * of the same basket for the same member state give the same answer.
 */
@Component
public class Pricing {

    private final List<PricingStage> stages;
    private final io.micrometer.core.instrument.Timer rules;

    Pricing(MessageSource messages, io.micrometer.core.instrument.MeterRegistry meters) {
        RulesStage rulesStage = new RulesStage();
        this.rules = io.micrometer.core.instrument.Timer.builder("patron.rules.evaluation")
                .description("Time to evaluate the programme's rules for one basket").publishPercentileHistogram().register(meters);
        PricingStage timedRules = context -> rules.record(() -> rulesStage.apply(context));
        this.stages = List.of(new ExcludedCategories(), new TierDiscount(), timedRules, new CouponsStage(), new PointsPayment(), new BaseEarning(),
                new ReferralBonus(), new TillMessages(messages));
    }

    /** @param member the buyer, or null for an anonymous sale; {@code account} and {@code tier} then are null too */
    public PricedBasket price(Basket basket, Member member, PointsAccount account, ActiveProgram program, TierStatus tier,
                              PurchaseFacts facts, RuleLimits limits, List<io.patron.coupons.CouponCheck> coupons) {
        PricingContext context = new PricingContext(basket, member, account, program, tier, facts, limits, coupons);
        stages.forEach(stage -> stage.apply(context));
        return context.result();
    }
}
