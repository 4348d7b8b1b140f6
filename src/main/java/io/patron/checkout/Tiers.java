package io.patron.checkout;

import io.patron.checkout.internal.PurchaseRepository;
import io.patron.members.MemberId;
import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.springframework.stereotype.Service;

/**
 * Derives a member's tier from their purchase history (never stored, so a replay or a back-test gives
 * the same answer): the qualifying spend is the value of their purchases after discounts, less what
 * came back, over all time or the programme's rolling window. A sale counts from the next receipt on.
 */
@Service
public class Tiers {

    private final PurchaseRepository purchases;

    Tiers(PurchaseRepository purchases) {
        this.purchases = purchases;
    }

    /** The member's status under the programme's ladder, or null when the programme has no tiers. */
    public TierStatus status(MemberId member, ProgramDefinition program, OffsetDateTime now) {
        ProgramDefinition.Tiers ladder = program.tiers();
        if (ladder == null || ladder.levels().isEmpty()) {
            return null;
        }
        OffsetDateTime from = ladder.basis() == ProgramDefinition.Tiers.Basis.SPEND_ROLLING
                ? now.minusMonths(ladder.rollingMonths()) : null;
        BigDecimal spend = purchases.qualifyingSpend(member.value(), from).max(BigDecimal.ZERO);
        ProgramDefinition.Tier tier = ladder.levelFor(spend);
        ProgramDefinition.Tier next = ladder.after(tier);
        return new TierStatus(spend, tier, next, next == null ? null : next.threshold().subtract(spend));
    }
}
