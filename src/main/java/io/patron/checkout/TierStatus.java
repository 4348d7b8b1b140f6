package io.patron.checkout;

import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * Where a member stands on the tier ladder before a sale: the qualifying measure (spend, or points
 * when {@code points}), the tier held, and the next tier with what is still needed (null at the top).
 * {@code vipUntil} is set when a manual tier floor lifts the member above what they qualify for.
 */
public record TierStatus(BigDecimal spend, ProgramDefinition.Tier tier, ProgramDefinition.Tier next, BigDecimal needed,
                         boolean points, OffsetDateTime vipUntil) {
}
