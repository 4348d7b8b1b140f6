package io.patron.analytics;

import io.patron.checkout.TierStatus;
import io.patron.checkout.Tiers;
import io.patron.program.ProgramDefinition;
import io.patron.program.Programs;
import java.sql.Date;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tier distribution and the members' moves between tiers, for the analytics. Tiers are derived
 * from purchases (never stored for pricing); once a day every member's tier is worked out as the till
 * would (grace months and manual VIP tiers included) and compared with the one recorded the day before:
 * each change is a movement of that day, and the day's count per tier is kept. A member's first
 * recorded tier is not a movement.
 */
@Service
public class TierHistory {

    private static final Logger log = LoggerFactory.getLogger(TierHistory.class);

    private final JdbcClient jdbc;
    private final Tiers tiers;
    private final Programs programs;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final JdbcTemplate template;

    TierHistory(JdbcClient jdbc, JdbcTemplate template, Tiers tiers, Programs programs, Clock clock, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.template = template;
        this.tiers = tiers;
        this.programs = programs;
        this.clock = clock;
        this.transactions = transactions;
    }

    @Scheduled(fixedDelayString = "${patron.analytics.tiers-millis:86400000}",
            initialDelayString = "${patron.analytics.tiers-initial-delay-millis:600000}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "tier-history", lockAtMostFor = "PT3H")
    public void scheduled() {
        long started = System.nanoTime();
        long moved = record();
        log.info("Tiers recorded: {} members moved, in {} ms", moved, (System.nanoTime() - started) / 1_000_000);
    }

    /** Records every active member's tier now, a batch at a time; answers how many moved. */
    public long record() {
        ProgramDefinition program = programs.active().definition();
        if (program.tiers() == null || program.tiers().levels().isEmpty()) {
            return 0;
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        LocalDate day = now.atZoneSameInstant(program.zone()).toLocalDate();
        Map<String, Long> counts = new LinkedHashMap<>();
        program.tiers().levels().forEach(t -> counts.put(t.name(), 0L));
        long moved = 0;
        long after = 0;
        while (true) {
            List<Long> ids = jdbc.sql("SELECT id FROM members WHERE status = 'ACTIVE' AND id > :after ORDER BY id LIMIT :l")
                    .param("after", after).param("l", Tiers.MEMBERS_AT_ONCE).query(Long.class).list();
            if (ids.isEmpty()) {
                break;
            }
            Map<Long, TierStatus> statuses = tiers.statuses(ids, program, now);
            moved += transactions.execute(status -> recordBatch(ids, statuses, day, counts));
            after = ids.getLast();
        }
        transactions.executeWithoutResult(status -> {
            jdbc.sql("DELETE FROM tier_counts WHERE counted_on = :d").param("d", Date.valueOf(day)).update();
            counts.forEach((tier, n) -> jdbc.sql("INSERT INTO tier_counts (counted_on, tier, members) VALUES (:d, :t, :n)")
                    .param("d", Date.valueOf(day)).param("t", tier).param("n", n).update());
        });
        return moved;
    }

    private long recordBatch(List<Long> ids, Map<Long, TierStatus> statuses, LocalDate day, Map<String, Long> counts) {
        Map<Long, String> recorded = new HashMap<>();
        jdbc.sql("SELECT member_id, tier FROM member_tiers WHERE member_id IN (:ids)").param("ids", ids)
                .query((rs, i) -> recorded.put(rs.getLong(1), rs.getString(2))).list();
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> moves = new ArrayList<>();
        for (long id : ids) {
            TierStatus s = statuses.get(id);
            if (s == null || s.tier() == null) {
                continue;
            }
            String tier = s.tier().name();
            counts.merge(tier, 1L, Long::sum);
            String before = recorded.get(id);
            if (before == null) {
                inserts.add(new Object[] {id, tier, Date.valueOf(day)});
            } else if (!before.equals(tier)) {
                updates.add(new Object[] {tier, Date.valueOf(day), id});
                moves.add(new Object[] {id, Date.valueOf(day), before, tier});
            }
        }
        template.batchUpdate("INSERT INTO member_tiers (member_id, tier, since) VALUES (?, ?, ?)", inserts);
        template.batchUpdate("UPDATE member_tiers SET tier = ?, since = ? WHERE member_id = ?", updates);
        template.batchUpdate("INSERT INTO tier_movements (member_id, moved_on, from_tier, to_tier) VALUES (?, ?, ?, ?)", moves);
        return moves.size();
    }

    /** A tier's members on the last day counted by the period's end, and by the ends of the comparison periods (null: not counted yet). */
    @io.swagger.v3.oas.annotations.media.Schema(name = "TierCount")
    public record TierCount(String tier, long members, Long previous, Long yearBefore) {
    }

    public enum Direction { UP, DOWN, CHANGED }

    /** Members who moved from one tier to another in the period. CHANGED: a tier no longer on the ladder. */
    public record Movement(String from, String to, Direction direction, long members) {
    }

    public record Distribution(Analytics.Period period, LocalDate countedOn, List<TierCount> tiers, long upgrades, long downgrades,
                               List<Movement> movements) {
    }

    /** The tier distribution at the period's end beside the comparison periods' ends, and the movements in the period. */
    public Distribution distribution(Analytics.Period period) {
        List<String> ladder = new ArrayList<>();
        ProgramDefinition.Tiers levels = programs.active().definition().tiers();
        if (levels != null) {
            levels.levels().forEach(t -> ladder.add(t.name()));
        }
        LocalDate countedOn = lastCounted(period.to());
        Map<String, Long> now = counts(countedOn);
        Map<String, Long> previous = counts(lastCounted(period.previous().to()));
        Map<String, Long> yearBefore = counts(lastCounted(period.yearBefore().to()));
        List<String> names = new ArrayList<>(ladder);
        now.keySet().stream().filter(t -> !names.contains(t)).forEach(names::add);
        List<TierCount> tiers = names.stream().map(t -> new TierCount(t, now.getOrDefault(t, 0L),
                previous.isEmpty() ? null : previous.getOrDefault(t, 0L), yearBefore.isEmpty() ? null : yearBefore.getOrDefault(t, 0L)))
                .toList();
        List<Movement> movements = jdbc.sql("""
                SELECT from_tier, to_tier, COUNT(*) FROM tier_movements WHERE moved_on >= :from AND moved_on <= :to
                GROUP BY from_tier, to_tier ORDER BY COUNT(*) DESC, from_tier, to_tier LIMIT 200""")
                .param("from", Date.valueOf(period.from())).param("to", Date.valueOf(period.to()))
                .query((rs, i) -> {
                    String from = rs.getString(1);
                    String to = rs.getString(2);
                    int a = ladder.indexOf(from);
                    int b = ladder.indexOf(to);
                    Direction d = a < 0 || b < 0 ? Direction.CHANGED : b > a ? Direction.UP : Direction.DOWN;
                    return new Movement(from, to, d, rs.getLong(3));
                }).list();
        long up = movements.stream().filter(m -> m.direction() == Direction.UP).mapToLong(Movement::members).sum();
        long down = movements.stream().filter(m -> m.direction() == Direction.DOWN).mapToLong(Movement::members).sum();
        return new Distribution(period, countedOn, tiers, up, down, movements);
    }

    private LocalDate lastCounted(LocalDate by) {
        return jdbc.sql("SELECT MAX(counted_on) FROM tier_counts WHERE counted_on <= :d").param("d", Date.valueOf(by))
                .query((rs, i) -> rs.getDate(1) == null ? null : rs.getDate(1).toLocalDate()).optional().orElse(null);
    }

    private Map<String, Long> counts(LocalDate day) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (day != null) {
            jdbc.sql("SELECT tier, members FROM tier_counts WHERE counted_on = :d").param("d", Date.valueOf(day))
                    .query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2))).list();
        }
        return counts;
    }
}
