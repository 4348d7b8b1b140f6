package io.patron.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.analytics.internal.MemberRanges;
import io.patron.analytics.internal.RangeCells;
import io.patron.analytics.internal.Rollups;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The range and cohort cells kept up purchase batch by purchase batch agree with the same cells
 * worked out again in SQL from the member-month roll-up, and both with counting the purchases
 * directly: seeded random sales of 25 members at two stores over 14 months of 2041–42, rolled up in
 * several catch-ups. A failing seed is printed and replays.
 */
class RollupCellsTest extends IntegrationTest {

    private static final LocalDate START = LocalDate.of(2041, 3, 1);
    private static final int MONTHS = 14;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Analytics analytics;

    @Autowired
    Rollups rollups;

    @Autowired
    RangeCells cells;

    private record Sale(long member, long store, LocalDate day) {
    }

    @Test
    void cellsKeptUpBatchByBatchEqualCellsWorkedOutAgainAndTheDirectCount() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        List<Long> stores = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            stores.add(admin.post("/api/v1/stores", Api.json(Map.of("code", "RC" + System.nanoTime() % 100_000_000L, "name", "Cells",
                    "timeZone", "UTC"))).json().path("id").asLong());
        }
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        List<Long> members = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            members.add(till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("id").asLong());
        }
        analytics.catchUpEverything();
        List<Sale> sales = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = random.nextInt(20, 80); i > 0; i--) {
                Sale s = new Sale(members.get(random.nextInt(members.size())), stores.get(random.nextInt(stores.size())),
                        START.plusDays(random.nextInt(MONTHS * 30)));
                sales.add(s);
                insert(s, sales.size());
            }
            analytics.catchUpEverything();
        }
        List<Map<String, Object>> kept = cellRows();
        for (long store : List.of(stores.get(0), stores.get(1), RangeCells.ALL_STORES)) {
            for (int a = 0; a < MONTHS; a++) {
                for (int b = a; b < MONTHS; b++) {
                    assertThat(cells.measure(store, month(a), month(b))).as("seed %d, store %d, months %d..%d", seed, store, a, b)
                            .containsExactly(direct(sales, store, a, b));
                }
            }
        }
        rollups.rebuildCells();
        analytics.catchUpEverything();
        assertThat(cellRows()).as("seed %d: cells worked out again in SQL", seed).isEqualTo(kept);

        // The period measures on top: churn of a store's period against the previous one, and its cohorts.
        long store = stores.get(0);
        var period = new Analytics.Period(START.plusMonths(6), START.plusMonths(8).minusDays(1));
        Analytics.Measures m = analytics.measures(period, store);
        long[] now = direct(sales, store, 6, 7);
        assertThat(m.activeMembers()).as("seed %d", seed).isEqualTo(now[0]);
        assertThat(m.repeatMembers()).as("seed %d", seed).isEqualTo(now[1]);
        long churned = sales.stream().filter(s -> s.store() == store && index(s.day()) >= 4 && index(s.day()) <= 5).map(Sale::member)
                .distinct().filter(member -> sales.stream().noneMatch(s -> s.store() == store && s.member() == member
                        && index(s.day()) >= 6 && index(s.day()) <= 7)).count();
        assertThat(m.churnedMembers()).as("seed %d", seed).isEqualTo(churned);
        List<Analytics.Cohort> cohorts = analytics.cohorts(START, START.plusMonths(MONTHS - 1), null, 6);
        for (Analytics.Cohort c : cohorts) {
            int first = index(c.month());
            for (int k = 0; k < c.retained().size(); k++) {
                int month = first + k;
                long expected = members.stream().filter(member -> sales.stream().filter(s -> s.member() == member)
                        .mapToInt(s -> index(s.day())).min().orElse(-1) == first)
                        .filter(member -> sales.stream().anyMatch(s -> s.member() == member && index(s.day()) == month)).count();
                assertThat(c.retained().get(k)).as("seed %d, cohort %s, month %d", seed, c.month(), k).isEqualTo(expected);
            }
        }
    }

    private static int month(int offset) {
        return MemberRanges.month(START) + offset;
    }

    private static int index(LocalDate day) {
        return MemberRanges.month(day) - MemberRanges.month(START);
    }

    /** Active members, repeaters and receipts of months [a, b] at a store (0: all), counted from the sales themselves. */
    private static long[] direct(List<Sale> sales, long store, int a, int b) {
        TreeMap<Long, Long> perMember = new TreeMap<>();
        for (Sale s : sales) {
            if ((store == RangeCells.ALL_STORES || s.store() == store) && index(s.day()) >= a && index(s.day()) <= b) {
                perMember.merge(s.member(), 1L, Long::sum);
            }
        }
        return new long[] {perMember.size(), perMember.values().stream().filter(n -> n >= 2).count(),
                perMember.values().stream().mapToLong(Long::longValue).sum()};
    }

    private void insert(Sale s, int n) {
        long id = jdbc.sql("SELECT nextval('purchase_seq')").query(Long.class).single();
        OffsetDateTime at = s.day().atTime(12, 0).atOffset(ZoneOffset.UTC);
        jdbc.sql("""
                INSERT INTO purchases (id, store_id, receipt_id, member_id, occurred_at, recorded_at, program_version, currency, subtotal,
                    discount_total, points_redeemed, points_value, total, eligible_paid, points_earned, request_hash, response)
                VALUES (:id, :store, :receipt, :member, :at, :at, 1, 'RUB', 100, 0, 0, 0, 100, 100, 0, 'test', '{}')""")
                .param("id", id).param("store", s.store()).param("receipt", "RC-" + id + "-" + n).param("member", s.member())
                .param("at", at).update();
    }

    /** The cells of this test's months with a value, in key order. */
    private List<Map<String, Object>> cellRows() {
        List<Map<String, Object>> rows = new ArrayList<>(jdbc.sql("""
                SELECT store_id, from_month, to_month, active, repeaters, receipts FROM rollup_member_ranges
                WHERE to_month >= :first AND (active <> 0 OR repeaters <> 0 OR receipts <> 0) ORDER BY store_id, from_month, to_month""")
                .param("first", month(0)).query().listOfRows());
        rows.addAll(jdbc.sql("""
                SELECT store_id, first_month, sale_month, members FROM rollup_cohort_cells
                WHERE sale_month >= :first AND members <> 0 ORDER BY store_id, first_month, sale_month""")
                .param("first", month(0)).query().listOfRows());
        return rows;
    }
}
