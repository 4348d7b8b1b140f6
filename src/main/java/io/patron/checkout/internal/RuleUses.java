package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The live side of rule caps: what capped rules gave, per purchase. A member's counts are read and
 * written under the member's ledger lock; a budget is taken with one conditional update, so two
 * tills can never spend the same remainder.
 */
@Repository
public class RuleUses {

    private final JdbcClient jdbc;

    RuleUses(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The caps' state for a sale of {@code memberId} (may be null) at {@code at}; no query when no rule is capped. */
    public RuleLimits limits(Long memberId, ProgramDefinition program, OffsetDateTime at) {
        List<ProgramDefinition.Rule> capped = program.rules().stream().filter(ProgramDefinition.Rule::capped).toList();
        if (capped.isEmpty()) {
            return RuleLimits.NONE;
        }
        ZoneId zone = program.zone();
        OffsetDateTime[][] periods = new OffsetDateTime[RuleLimits.Period.values().length][];
        for (RuleLimits.Period period : RuleLimits.Period.values()) {
            periods[period.ordinal()] = period.around(at, zone);
        }
        OffsetDateTime from = periods[1][0].isBefore(periods[2][0]) ? periods[1][0] : periods[2][0];
        OffsetDateTime to = periods[1][1].isAfter(periods[2][1]) ? periods[1][1] : periods[2][1];
        Map<String, int[]> counts = new HashMap<>();
        if (memberId != null && capped.stream().anyMatch(r -> r.caps().perMemberPerDay() != null
                || r.caps().perMemberPerWeek() != null || r.caps().perMemberPerMonth() != null)) {
            jdbc.sql("SELECT rule_id, occurred_at FROM rule_uses WHERE member_id = :m AND occurred_at >= :from AND occurred_at < :to")
                    .param("m", memberId).param("from", from).param("to", to)
                    .query((rs, i) -> {
                        OffsetDateTime when = rs.getObject("occurred_at", OffsetDateTime.class);
                        int[] c = counts.computeIfAbsent(rs.getString("rule_id"), k -> new int[periods.length]);
                        for (int p = 0; p < periods.length; p++) {
                            if (!when.isBefore(periods[p][0]) && when.isBefore(periods[p][1])) {
                                c[p]++;
                            }
                        }
                        return null;
                    }).list();
        }
        Map<String, BigDecimal> budgets = new HashMap<>();
        if (capped.stream().anyMatch(r -> r.caps().budget() != null)) {
            jdbc.sql("SELECT rule_id, used FROM rule_budgets").query((rs, i) -> budgets.put(rs.getString(1), rs.getBigDecimal(2))).list();
        }
        return new RuleLimits() {
            @Override
            public int uses(String ruleId, Period period) {
                int[] c = counts.get(ruleId);
                return c == null ? 0 : c[period.ordinal()];
            }

            @Override
            public BigDecimal budgetUsed(String ruleId) {
                return budgets.getOrDefault(ruleId, BigDecimal.ZERO);
            }
        };
    }

    /**
     * Takes what the capped rules gave on a sale from their budgets. False, with nothing taken, when
     * a budget no longer holds what the pricing counted on (a concurrent sale spent it): the caller
     * prices again.
     */
    public boolean takeBudgets(List<PricedBasket.RuleUse> uses, ProgramDefinition program) {
        Map<String, ProgramDefinition.Rule> rules = new HashMap<>();
        program.rules().forEach(r -> rules.put(r.id(), r));
        List<PricedBasket.RuleUse> taken = new java.util.ArrayList<>();
        for (PricedBasket.RuleUse use : uses) {
            ProgramDefinition.Rule rule = rules.get(use.ruleId());
            if (rule == null || rule.caps() == null || rule.caps().budget() == null) {
                continue;
            }
            jdbc.sql("INSERT INTO rule_budgets (rule_id, used) VALUES (:r, 0) ON CONFLICT DO NOTHING").param("r", use.ruleId()).update();
            int updated = jdbc.sql("UPDATE rule_budgets SET used = used + :a WHERE rule_id = :r AND used + :a <= :budget")
                    .param("a", use.amount()).param("r", use.ruleId()).param("budget", rule.caps().budget()).update();
            if (updated == 0) {
                releaseBudgets(taken, program);
                return false;
            }
            taken.add(use);
        }
        return true;
    }

    /** Gives back what {@link #takeBudgets} took for these uses (the sale is being priced again). */
    public void releaseBudgets(List<PricedBasket.RuleUse> uses, ProgramDefinition program) {
        Map<String, ProgramDefinition.Rule> rules = new HashMap<>();
        program.rules().forEach(r -> rules.put(r.id(), r));
        for (PricedBasket.RuleUse use : uses) {
            ProgramDefinition.Rule rule = rules.get(use.ruleId());
            if (rule != null && rule.caps() != null && rule.caps().budget() != null) {
                jdbc.sql("UPDATE rule_budgets SET used = used - :a WHERE rule_id = :r").param("a", use.amount()).param("r", use.ruleId()).update();
            }
        }
    }

    /** Records what the capped rules gave on a purchase, for the per-member caps. */
    public void record(long purchaseId, Long memberId, OffsetDateTime occurredAt, List<PricedBasket.RuleUse> uses) {
        for (PricedBasket.RuleUse use : uses) {
            jdbc.sql("INSERT INTO rule_uses (purchase_id, rule_id, member_id, occurred_at, amount) VALUES (:p, :r, :m, :at, :a)")
                    .param("p", purchaseId).param("r", use.ruleId()).param("m", memberId).param("at", occurredAt)
                    .param("a", use.amount()).update();
        }
    }
}
