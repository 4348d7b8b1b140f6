package io.patron.checkout.internal;

import io.patron.checkout.TierBuckets;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Works the member totals out again from the purchases and returns themselves: after the upgrade that
 * introduced them, when the programme's time zone changes (the months are cut in it), and in the
 * tests that prove the running totals equal this recomputation. Streams the purchases in member order
 * (one member in memory at a time) and writes in batches.
 */
public final class MemberTotalsRebuild {

    private static final int BATCH = 1000;

    private MemberTotalsRebuild() {
    }

    private static final class Acc {
        long purchases;
        BigDecimal spend = BigDecimal.ZERO;
        long points;
        OffsetDateTime first;
        OffsetDateTime last;
        final TreeMap<YearMonth, TierBuckets.Month> months = new TreeMap<>();

        void add(YearMonth month, BigDecimal spend, long points) {
            this.spend = this.spend.add(spend);
            this.points += points;
            months.merge(month, new TierBuckets.Month(spend, points),
                    (a, b) -> new TierBuckets.Month(a.spend().add(b.spend()), a.points() + b.points()));
        }
    }

    /** Replaces every member's totals with those worked out from the purchases, months cut in {@code zone}. */
    public static void rebuild(Connection c, ZoneId zone) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM member_months");
            st.executeUpdate("DELETE FROM member_totals");
            st.executeUpdate("DELETE FROM member_totals_zone");
        }
        Map<Long, Map<YearMonth, TierBuckets.Month>> returns = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT p.member_id, p.occurred_at, r.refunded_amount, r.points_reversed + r.points_forgiven
                     FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id WHERE p.member_id IS NOT NULL""")) {
            while (rs.next()) {
                YearMonth month = TierBuckets.monthOf(rs.getObject(2, OffsetDateTime.class), zone);
                returns.computeIfAbsent(rs.getLong(1), m -> new HashMap<>()).merge(month,
                        new TierBuckets.Month(rs.getBigDecimal(3), rs.getLong(4)),
                        (a, b) -> new TierBuckets.Month(a.spend().add(b.spend()), a.points() + b.points()));
            }
        }
        try (PreparedStatement totals = c.prepareStatement("""
                INSERT INTO member_totals (member_id, purchases, spend, points, first_purchase_at, last_purchase_at)
                VALUES (?, ?, ?, ?, ?, ?)""");
             PreparedStatement months = c.prepareStatement("INSERT INTO member_months (member_id, month_start, spend, points) VALUES (?, ?, ?, ?)");
             Statement st = c.createStatement()) {
            st.setFetchSize(BATCH);
            int[] pending = {0};
            long member = -1;
            Acc acc = null;
            try (ResultSet rs = st.executeQuery("""
                    SELECT member_id, occurred_at, subtotal - discount_total, points_earned FROM purchases
                    WHERE member_id IS NOT NULL ORDER BY member_id""")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (id != member) {
                        flush(member, acc, returns, totals, months, pending);
                        member = id;
                        acc = new Acc();
                    }
                    OffsetDateTime at = rs.getObject(2, OffsetDateTime.class);
                    acc.purchases++;
                    acc.first = acc.first == null || at.isBefore(acc.first) ? at : acc.first;
                    acc.last = acc.last == null || at.isAfter(acc.last) ? at : acc.last;
                    acc.add(TierBuckets.monthOf(at, zone), rs.getBigDecimal(3), rs.getLong(4));
                }
            }
            flush(member, acc, returns, totals, months, pending);
            totals.executeBatch();
            months.executeBatch();
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO member_totals_zone (id, zone) VALUES (1, ?)")) {
            st.setString(1, zone.getId());
            st.executeUpdate();
        }
    }

    private static void flush(long member, Acc acc, Map<Long, Map<YearMonth, TierBuckets.Month>> returns, PreparedStatement totals,
                              PreparedStatement months, int[] pending) throws SQLException {
        if (acc == null) {
            return;
        }
        returns.getOrDefault(member, Map.of()).forEach((month, back) -> acc.add(month, back.spend().negate(), -back.points()));
        totals.setLong(1, member);
        totals.setLong(2, acc.purchases);
        totals.setBigDecimal(3, acc.spend);
        totals.setLong(4, acc.points);
        totals.setObject(5, acc.first);
        totals.setObject(6, acc.last);
        totals.addBatch();
        for (var m : acc.months.entrySet()) {
            months.setLong(1, member);
            months.setObject(2, m.getKey().atDay(1));
            months.setBigDecimal(3, m.getValue().spend());
            months.setLong(4, m.getValue().points());
            months.addBatch();
            pending[0]++;
        }
        if (++pending[0] >= BATCH) {
            totals.executeBatch();
            months.executeBatch();
            pending[0] = 0;
        }
    }
}
