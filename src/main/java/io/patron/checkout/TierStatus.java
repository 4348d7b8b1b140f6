package io.patron.checkout;

import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;

/**
 * Where a member stands on the tier ladder before a sale: the qualifying spend, the tier it reaches,
 * and the next tier with the spend still needed (null at the top).
 */
public record TierStatus(BigDecimal spend, ProgramDefinition.Tier tier, ProgramDefinition.Tier next, BigDecimal needed) {
}
