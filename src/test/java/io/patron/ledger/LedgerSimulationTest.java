package io.patron.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.checkout.Checkout;
import io.patron.checkout.PurchaseRequest;
import io.patron.checkout.ReturnRequest;
import io.patron.common.Caller;
import io.patron.common.ProblemException;
import io.patron.members.EnrolmentChannel;
import io.patron.members.MemberDetails;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.stores.Stores;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A seeded random simulation of a till's life (the VOPR idea, at our scale): purchases with and
 * without redemption, partial, full and repeated returns, offline sales, adjustments, expiry with a
 * moving clock, duplicate retries and bursts of concurrent requests. A simple model follows every
 * acknowledged answer; after every step the model and the ledger's invariants are checked. A failure
 * prints its seed; {@code -Dpatron.sim.seed=N} replays it.
 */
class LedgerSimulationTest extends IntegrationTest {

    private static final Set<String> EXCLUDED = Set.of("tobacco", "alcohol");
    private static final String[] CATEGORIES = {"home", "food", "toys", "tobacco", "alcohol", "garden"};

    @Autowired Checkout checkout;
    @Autowired Members members;
    @Autowired PointAdjustments adjustments;
    @Autowired ExpiryJob expiry;
    @Autowired Ledger ledger;
    @Autowired MutableClock clock;
    @Autowired Stores stores;
    @Autowired JdbcClient jdbc;
    @Autowired JsonMapper json;

    private Random random;
    private Caller.Till till;
    private final List<SimMember> people = new ArrayList<>();
    private final List<Recorded> purchases = new ArrayList<>();
    private final Map<String, String> answers = new HashMap<>();
    private LedgerInvariants invariants;
    private long sequence;
    private String run;

    @Autowired io.patron.program.Programs programs;
    private int programBefore;

    @AfterEach
    void resetClock() {
        clock.reset();
        if (programBefore > 0) {
            programs.activate(programBefore);
        }
    }

    @Test
    void randomTillTrafficKeepsEveryPointAccountedFor() throws Exception {
        long seed = Long.getLong("patron.sim.seed", System.nanoTime());
        int steps = Integer.getInteger("patron.sim.steps", 300);
        try {
            simulate(seed, steps);
        } catch (Throwable t) {
            throw new AssertionError("Ledger simulation failed with seed " + seed
                    + " (replay: -Dpatron.sim.seed=" + seed + "): " + t.getMessage(), t);
        }
    }

    private void simulate(long seed, int steps) throws Exception {
        random = new Random(seed);
        run = Long.toString(seed, 36);
        // The model computes earnings without tiers or rules: simulate the demo programme's base rate alone.
        programBefore = programs.active().version();
        var base = (tools.jackson.databind.node.ObjectNode) json.readTree(programs.documentJson(programBefore));
        base.remove("tiers");
        base.remove("rules");
        programs.save(json.writeValueAsString(base), "simulation without tiers", true);
        invariants = new LedgerInvariants(jdbc);
        var demo = stores.findByCode("DEMO").orElseThrow();
        till = new Caller.Till(stores.tills(demo.id()).getFirst().id(), demo.id().value(), "sim");
        for (int i = 0; i < 6; i++) {
            var enrolment = members.enrol(new MemberDetails(null, null, null, TestData.email(), "Sim" + i, null, null,
                    "en", null, false, null), EnrolmentChannel.API, null);
            people.add(new SimMember(enrolment.member().id(), enrolment.card().value()));
        }
        for (int step = 0; step < steps; step++) {
            int dice = random.nextInt(100);
            String what;
            if (dice < 40) {
                what = "purchase";
                purchase(pick(), random.nextInt(4) == 0);
            } else if (dice < 60) {
                what = "return";
                returnSome();
            } else if (dice < 70) {
                what = "adjustment";
                adjust();
            } else if (dice < 82) {
                what = "clock";
                moveClock();
            } else {
                what = "burst";
                burst();
            }
            checkModel("step " + step + " (" + what + ")");
        }
        assertThat(purchases).as("the simulation recorded purchases").isNotEmpty();
        assertThat(totals()).as("the running totals the sales and returns kept").isEqualTo(totalsRecomputed());
    }

    @Autowired javax.sql.DataSource dataSource;

    /** Every member's totals and months as the tables hold them, as text rows in a stable order. */
    private List<String> totals() {
        List<String> rows = new ArrayList<>(jdbc.sql("SELECT member_id, purchases, spend, points FROM member_totals ORDER BY member_id")
                .query((rs, i) -> rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getBigDecimal(3).stripTrailingZeros().toPlainString() + " "
                        + rs.getLong(4)).list());
        rows.addAll(jdbc.sql("SELECT member_id, month_start, spend, points FROM member_months WHERE spend <> 0 OR points <> 0 ORDER BY member_id, month_start")
                .query((rs, i) -> rs.getLong(1) + " " + rs.getObject(2, java.time.LocalDate.class) + " "
                        + rs.getBigDecimal(3).stripTrailingZeros().toPlainString() + " " + rs.getLong(4)).list());
        return rows;
    }

    /** The same worked out again from the purchases and returns, in a transaction rolled back after. */
    private List<String> totalsRecomputed() throws Exception {
        try (var c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                io.patron.checkout.internal.MemberTotalsRebuild.rebuild(c, programs.active().definition().zone());
                List<String> rows = new ArrayList<>();
                try (var st = c.createStatement()) {
                    try (var rs = st.executeQuery("SELECT member_id, purchases, spend, points FROM member_totals ORDER BY member_id")) {
                        while (rs.next()) {
                            rows.add(rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getBigDecimal(3).stripTrailingZeros().toPlainString() + " "
                                    + rs.getLong(4));
                        }
                    }
                    try (var rs = st.executeQuery("SELECT member_id, month_start, spend, points FROM member_months "
                            + "WHERE spend <> 0 OR points <> 0 ORDER BY member_id, month_start")) {
                        while (rs.next()) {
                            rows.add(rs.getLong(1) + " " + rs.getObject(2, java.time.LocalDate.class) + " "
                                    + rs.getBigDecimal(3).stripTrailingZeros().toPlainString() + " " + rs.getLong(4));
                        }
                    }
                }
                return rows;
            } finally {
                c.rollback();
            }
        }
    }

    private SimMember pick() {
        return random.nextInt(6) == 0 ? null : people.get(random.nextInt(people.size()));
    }

    private PurchaseRequest basket(SimMember member, long points) {
        List<PurchaseRequest.Line> lines = new ArrayList<>();
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            BigDecimal price = BigDecimal.valueOf(1 + random.nextInt(300_00), 2);
            BigDecimal quantity = random.nextInt(5) == 0 ? BigDecimal.valueOf(250 + random.nextInt(2000), 3)
                    : BigDecimal.valueOf(1 + random.nextInt(4));
            lines.add(new PurchaseRequest.Line("L" + i, "S" + i, "Item", CATEGORIES[random.nextInt(CATEGORIES.length)], null,
                    quantity, price));
        }
        OffsetDateTime occurredAt = random.nextInt(4) == 0 ? OffsetDateTime.now(clock).minusDays(random.nextInt(29)) : null;
        return new PurchaseRequest(run + "-" + (++sequence), occurredAt,
                member == null ? null : new PurchaseRequest.MemberRef(member.card(), null), lines, List.of(), points);
    }

    private void purchase(SimMember member, boolean redeem) {
        long points = 0;
        if (redeem && member != null) {
            long available = ledger.account(member.id(), OffsetDateTime.now(clock)).available();
            points = available <= 0 ? 1 + random.nextInt(50) : random.nextInt((int) Math.min(available + 30, 5_000)) + 1;
        }
        PurchaseRequest request = basket(member, points);
        long before = member == null ? 0 : balance(member);
        try {
            Checkout.Answer answer = checkout.commit(till, request);
            assertThat(answer.replayed()).isFalse();
            accept(member, request, answer.json());
            if (random.nextInt(3) == 0) {
                Checkout.Answer retry = checkout.commit(till, request);
                assertThat(retry.replayed()).as("a retry is a replay").isTrue();
                assertThat(retry.json()).as("a retry answers the stored answer").isEqualTo(answer.json());
            }
        } catch (ProblemException e) {
            assertThat(e.code()).isIn("INSUFFICIENT_POINTS", "REDEMPTION_LIMIT_EXCEEDED");
            assertThat(points).isPositive();
            assertThat(e.properties()).containsKey("maxRedeemablePoints");
            if (member != null) {
                assertThat(balance(member)).as("a refused commit changes nothing").isEqualTo(before);
            }
        }
    }

    /** Checks a commit's answer against an independent computation and books it into the model. */
    private void accept(SimMember member, PurchaseRequest request, String body) {
        JsonNode answer = json.readTree(body);
        BigDecimal eligible = BigDecimal.ZERO;
        BigDecimal subtotal = BigDecimal.ZERO;
        for (PurchaseRequest.Line line : request.lines()) {
            BigDecimal amount = line.quantity().multiply(line.unitPrice()).setScale(2, RoundingMode.HALF_UP);
            subtotal = subtotal.add(amount);
            if (!EXCLUDED.contains(line.category())) {
                eligible = eligible.add(amount);
            }
        }
        long redeemed = answer.path("pointsRedeemed").asLong();
        BigDecimal pointsValue = BigDecimal.valueOf(redeemed);
        assertThat(answer.path("subtotal").decimalValue()).isEqualByComparingTo(subtotal);
        assertThat(answer.path("total").decimalValue()).isEqualByComparingTo(subtotal.subtract(pointsValue));
        assertThat(pointsValue.multiply(BigDecimal.TWO)).as("points pay at most half the eligible value").isLessThanOrEqualTo(eligible);
        long expectedEarned = member == null ? 0 : eligible.subtract(pointsValue).divide(BigDecimal.TEN, 0, RoundingMode.DOWN).longValueExact();
        assertThat(answer.path("pointsEarned").asLong()).as("1 point per 10 of money paid on eligible lines").isEqualTo(expectedEarned);
        assertThat(answers.put(request.receiptId(), body)).as("each receipt is acknowledged once").isNull();
        Recorded recorded = new Recorded(answer.path("purchaseId").asLong(), member, request, expectedEarned, redeemed);
        purchases.add(recorded);
        if (member != null) {
            member.expected += expectedEarned - redeemed;
        }
    }

    private void returnSome() {
        if (purchases.isEmpty()) {
            return;
        }
        Recorded p = purchases.get(random.nextInt(purchases.size()));
        List<ReturnRequest.Line> lines = new ArrayList<>();
        boolean exceeds = false;
        for (int i = 0; i < p.request.lines().size(); i++) {
            if (random.nextBoolean()) {
                continue;
            }
            BigDecimal bought = p.request.lines().get(i).quantity();
            BigDecimal left = bought.subtract(p.returned[i]);
            BigDecimal quantity = random.nextInt(8) == 0 ? left.add(BigDecimal.ONE)
                    : left.signum() == 0 ? BigDecimal.ONE : left.multiply(BigDecimal.valueOf(1 + random.nextInt(4)))
                            .divide(BigDecimal.valueOf(4), 3, RoundingMode.DOWN).max(new BigDecimal("0.001")).min(left);
            exceeds |= quantity.compareTo(left) > 0;
            lines.add(new ReturnRequest.Line("L" + i, quantity));
        }
        if (lines.isEmpty()) {
            return;
        }
        ReturnRequest request = new ReturnRequest(run + "-R" + (++sequence), null, lines);
        long before = p.member == null ? 0 : balance(p.member);
        try {
            Checkout.Answer answer = checkout.returnGoods(till, p.purchaseId, request);
            assertThat(exceeds).as("a return within what was bought succeeds").isFalse();
            JsonNode r = json.readTree(answer.json());
            for (ReturnRequest.Line line : lines) {
                int i = Integer.parseInt(line.lineId().substring(1));
                p.returned[i] = p.returned[i].add(line.quantity());
            }
            p.reversedOrForgiven += r.path("pointsReversed").asLong() + r.path("pointsForgiven").asLong();
            p.refunded += r.path("pointsRefunded").asLong();
            assertThat(p.reversedOrForgiven).as("never more reversed than earned").isLessThanOrEqualTo(p.earned);
            assertThat(p.refunded).as("never more refunded than redeemed").isLessThanOrEqualTo(p.redeemed);
            if (p.fullyReturned()) {
                assertThat(p.reversedOrForgiven).as("a full return takes back exactly what was earned").isEqualTo(p.earned);
                assertThat(p.refunded).as("a full return gives back exactly what was redeemed").isEqualTo(p.redeemed);
            }
            if (p.member != null) {
                p.member.expected += r.path("pointsRefunded").asLong() - r.path("pointsReversed").asLong();
            }
            if (random.nextInt(3) == 0) {
                assertThat(checkout.returnGoods(till, p.purchaseId, request).json()).isEqualTo(answer.json());
            }
        } catch (ProblemException e) {
            assertThat(exceeds).as("only an over-return is refused, not " + e.code()).isTrue();
            assertThat(e.code()).isEqualTo("RETURN_EXCEEDS_PURCHASE");
            if (p.member != null) {
                assertThat(balance(p.member)).isEqualTo(before);
            }
        }
    }

    private void adjust() {
        SimMember member = people.get(random.nextInt(people.size()));
        long available = ledger.account(member.id(), OffsetDateTime.now(clock)).available();
        long points = random.nextBoolean() ? 1 + random.nextInt(500) : -(1 + random.nextInt(300));
        String key = "sim-" + run + "-" + (++sequence);
        try {
            adjustments.adjust(member.id(), points, "simulation", key);
            assertThat(points > 0 || available >= -points).isTrue();
            member.expected += points;
            var replay = adjustments.adjust(member.id(), points, "simulation", key);
            assertThat(replay.replayed()).isTrue();
        } catch (ProblemException e) {
            assertThat(e.code()).isEqualTo("INSUFFICIENT_POINTS");
            assertThat(available).isLessThan(-points);
        }
    }

    private void moveClock() {
        clock.advance(Duration.ofHours(random.nextInt(10) == 0 ? 24 * (100 + random.nextInt(300)) : random.nextInt(24 * 20)));
        if (random.nextBoolean()) {
            OffsetDateTime now = OffsetDateTime.now(clock);
            Map<Long, Long> due = new HashMap<>();
            jdbc.sql("SELECT member_id, SUM(remaining) FROM point_lots WHERE remaining > 0 AND expires_at <= :now GROUP BY member_id")
                    .param("now", now).query((rs, i) -> due.put(rs.getLong(1), rs.getLong(2))).list();
            expiry.expireDue();
            for (SimMember m : people) {
                m.expected -= due.getOrDefault(m.id().value(), 0L);
            }
            long left = jdbc.sql("SELECT COUNT(*) FROM point_lots WHERE remaining > 0 AND expires_at <= :now")
                    .param("now", now).query(Long.class).single();
            assertThat(left).as("the expiry job leaves no expired points").isZero();
        }
    }

    /**
     * Several tills at once: purchases (some redeeming) for two hot members and the same receipt sent
     * two or three times concurrently. Exactly one commit per receipt; the others replay it or are
     * told the request is in progress.
     */
    private void burst() throws Exception {
        List<PurchaseRequest> requests = new ArrayList<>();
        List<SimMember> buyers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SimMember member = people.get(random.nextInt(2));
            long available = ledger.account(member.id(), OffsetDateTime.now(clock)).available();
            long points = available > 0 && random.nextBoolean() ? 1 + random.nextInt((int) Math.min(available, 300)) : 0;
            requests.add(basket(member, points));
            buyers.add(member);
        }
        List<Callable<Object>> calls = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            int copies = 1 + random.nextInt(3);
            for (int c = 0; c < copies; c++) {
                PurchaseRequest request = requests.get(i);
                calls.add(() -> {
                    try {
                        return checkout.commit(till, request);
                    } catch (ProblemException e) {
                        return e;
                    }
                });
                which.add(i);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Object>> results;
        try {
            results = pool.invokeAll(calls);
        } finally {
            pool.shutdown();
        }
        Map<Integer, String> recorded = new HashMap<>();
        List<String> replays = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) {
            Object result = results.get(k).get();
            int i = which.get(k);
            if (result instanceof Checkout.Answer answer) {
                if (answer.replayed()) {
                    replays.add(i + "\n" + answer.json());
                } else {
                    assertThat(recorded.put(i, answer.json())).as("one commit per receipt").isNull();
                }
            } else {
                ProblemException e = (ProblemException) result;
                assertThat(e.code()).isIn("REQUEST_IN_PROGRESS", "INSUFFICIENT_POINTS", "REDEMPTION_LIMIT_EXCEEDED");
            }
        }
        for (String replay : replays) {
            int i = Integer.parseInt(replay.substring(0, replay.indexOf('\n')));
            assertThat(replay.substring(replay.indexOf('\n') + 1)).isEqualTo(recorded.get(i));
        }
        recorded.forEach((i, body) -> accept(buyers.get(i), requests.get(i), body));
        for (int i = 0; i < requests.size(); i++) {
            long rows = jdbc.sql("SELECT COUNT(*) FROM purchases WHERE store_id = :s AND receipt_id = :r")
                    .param("s", till.storeId()).param("r", requests.get(i).receiptId()).query(Long.class).single();
            assertThat(rows).isEqualTo(recorded.containsKey(i) ? 1 : 0);
        }
    }

    private void checkModel(String context) {
        invariants.check(context);
        for (SimMember m : people) {
            assertThat(balance(m)).as(context + ": model balance of member " + m.id()).isEqualTo(m.expected);
        }
        long recordedHere = jdbc.sql("SELECT COUNT(*) FROM purchases WHERE receipt_id LIKE :p")
                .param("p", run + "-%").query(Long.class).single();
        assertThat(recordedHere).as(context + ": every acknowledged receipt once, nothing else").isEqualTo(answers.size());
    }

    private long balance(SimMember m) {
        return jdbc.sql("SELECT COALESCE(MAX(balance), 0) FROM member_accounts WHERE member_id = :m")
                .param("m", m.id().value()).query(Long.class).single();
    }

    private static final class SimMember {
        private final MemberId id;
        private final String card;
        long expected;

        SimMember(MemberId id, String card) {
            this.id = id;
            this.card = card;
        }

        MemberId id() {
            return id;
        }

        String card() {
            return card;
        }
    }

    private static final class Recorded {
        final long purchaseId;
        final SimMember member;
        final PurchaseRequest request;
        final long earned;
        final long redeemed;
        final BigDecimal[] returned;
        long reversedOrForgiven;
        long refunded;

        Recorded(long purchaseId, SimMember member, PurchaseRequest request, long earned, long redeemed) {
            this.purchaseId = purchaseId;
            this.member = member;
            this.request = request;
            this.earned = earned;
            this.redeemed = redeemed;
            this.returned = new BigDecimal[request.lines().size()];
            java.util.Arrays.fill(returned, BigDecimal.ZERO);
        }

        boolean fullyReturned() {
            for (int i = 0; i < returned.length; i++) {
                if (returned[i].compareTo(request.lines().get(i).quantity()) < 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
