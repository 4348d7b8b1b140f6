package io.patron.checkout.internal;

import io.patron.checkout.Backtest;
import io.patron.checkout.Basket;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Back-test jobs, and the recorded history they read page by page (keyset-paged, in time order). */
@Repository
public class BacktestRepository {

    private static final OffsetDateTime EPOCH = OffsetDateTime.parse("1970-01-01T00:00:00Z");

    private final JdbcClient jdbc;

    BacktestRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long insert(int candidate, int baseline, OffsetDateTime from, OffsetDateTime to, Long storeId, String by,
                       OffsetDateTime now) {
        long id = jdbc.sql("SELECT nextval('backtest_seq')").query(Long.class).single();
        jdbc.sql("""
                INSERT INTO backtests (id, status, candidate_version, baseline_version, period_from, period_to, store_id,
                    created_by, created_at)
                VALUES (:id, 'QUEUED', :c, :b, :from, :to, :store, :by, :now)""")
                .param("id", id).param("c", candidate).param("b", baseline).param("from", from).param("to", to)
                .param("store", storeId).param("by", by).param("now", now).update();
        return id;
    }

    public Optional<Backtest> find(long id) {
        return jdbc.sql("SELECT * FROM backtests WHERE id = :id").param("id", id).query(BacktestRepository::backtest).optional();
    }

    public List<Backtest> list(int limit, long offset) {
        return jdbc.sql("""
                SELECT id, status, candidate_version, baseline_version, period_from, period_to, store_id, created_by, created_at,
                    started_at, finished_at, receipts_total, receipts_done, error, NULL AS result
                FROM backtests ORDER BY id DESC LIMIT :limit OFFSET :offset""")
                .param("limit", limit).param("offset", offset).query(BacktestRepository::backtest).list();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM backtests").query(Long.class).single();
    }

    /** Claims a queued job for this instance; false when another took it or it was cancelled. */
    public boolean claim(long id, OffsetDateTime now) {
        return jdbc.sql("UPDATE backtests SET status = 'RUNNING', started_at = :now, heartbeat_at = :now WHERE id = :id AND status = 'QUEUED'")
                .param("id", id).param("now", now).update() == 1;
    }

    public void progress(long id, long total, long done, OffsetDateTime now) {
        jdbc.sql("UPDATE backtests SET receipts_total = :t, receipts_done = :d, heartbeat_at = :now WHERE id = :id")
                .param("t", total).param("d", done).param("now", now).param("id", id).update();
    }

    public boolean cancelRequested(long id) {
        return jdbc.sql("SELECT cancel_requested FROM backtests WHERE id = :id").param("id", id).query(Boolean.class).single();
    }

    public void finish(long id, Backtest.Status status, String result, String error, OffsetDateTime now) {
        jdbc.sql("UPDATE backtests SET status = :s, result = :r, error = :e, finished_at = :now WHERE id = :id")
                .param("s", status.name()).param("r", result).param("e", error == null ? null
                        : error.length() > 500 ? error.substring(0, 500) : error)
                .param("now", now).param("id", id).update();
    }

    /** A queued job is cancelled at once; a running one is asked to stop at its next page. */
    public boolean requestCancel(long id, OffsetDateTime now) {
        int queued = jdbc.sql("UPDATE backtests SET status = 'CANCELLED', finished_at = :now WHERE id = :id AND status = 'QUEUED'")
                .param("id", id).param("now", now).update();
        int running = jdbc.sql("UPDATE backtests SET cancel_requested = TRUE WHERE id = :id AND status = 'RUNNING'")
                .param("id", id).update();
        return queued + running > 0;
    }

    /** Jobs queued (to run) and running jobs whose instance stopped beating (to fail). */
    public List<Long> queued() {
        return jdbc.sql("SELECT id FROM backtests WHERE status = 'QUEUED' ORDER BY id").query(Long.class).list();
    }

    public int failStale(OffsetDateTime before, OffsetDateTime now) {
        return jdbc.sql("""
                UPDATE backtests SET status = 'FAILED', error = 'interrupted: the server running it stopped', finished_at = :now
                WHERE status = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < :before)""")
                .param("before", before).param("now", now).update();
    }

    private static Backtest backtest(ResultSet rs, int i) throws SQLException {
        long store = rs.getLong("store_id");
        Long storeId = rs.wasNull() ? null : store;
        return new Backtest(rs.getLong("id"), Backtest.Status.valueOf(rs.getString("status")), rs.getInt("candidate_version"),
                rs.getInt("baseline_version"), rs.getObject("period_from", OffsetDateTime.class),
                rs.getObject("period_to", OffsetDateTime.class), storeId, rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class), rs.getLong("receipts_total"), rs.getLong("receipts_done"),
                rs.getString("error"), rs.getString("result"));
    }

    // --- the history a back-test reads ---

    /** A recorded sale with its lines as the till sent them. */
    public record HistorySale(long id, long storeId, String receiptId, Long memberId, OffsetDateTime at, List<Basket.BasketLine> lines) {
    }

    /** A recorded return: quantities by line number of its purchase. */
    public record HistoryReturn(long id, long purchaseId, OffsetDateTime at, Map<Integer, BigDecimal> quantities) {
    }

    public long countSales(OffsetDateTime from, OffsetDateTime to, Long storeId) {
        return jdbc.sql("SELECT COUNT(*) FROM purchases WHERE occurred_at >= :from AND occurred_at < :to"
                        + (storeId == null ? "" : " AND store_id = :s"))
                .param("from", from).param("to", to).param("s", storeId).query(Long.class).single();
    }

    /** The next sales after ({@code afterAt}, {@code afterId}), in time order, with their lines. */
    public List<HistorySale> sales(OffsetDateTime from, OffsetDateTime to, Long storeId, OffsetDateTime afterAt, long afterId, int limit) {
        List<HistorySale> sales = jdbc.sql("""
                SELECT id, store_id, receipt_id, member_id, occurred_at FROM purchases
                WHERE occurred_at >= :from AND occurred_at < :to AND (occurred_at > :a OR (occurred_at = :a AND id > :id))"""
                        + (storeId == null ? "" : " AND store_id = :s") + " ORDER BY occurred_at, id LIMIT :n")
                .param("from", from).param("to", to).param("a", afterAt == null ? EPOCH : afterAt).param("id", afterId)
                .param("s", storeId).param("n", limit)
                .query((rs, i) -> {
                    long member = rs.getLong("member_id");
                    Long memberId = rs.wasNull() ? null : member;
                    return new HistorySale(rs.getLong("id"), rs.getLong("store_id"), rs.getString("receipt_id"), memberId,
                            rs.getObject("occurred_at", OffsetDateTime.class), new ArrayList<>());
                }).list();
        if (sales.isEmpty()) {
            return sales;
        }
        Map<Long, HistorySale> byId = new HashMap<>();
        sales.forEach(s -> byId.put(s.id(), s));
        jdbc.sql("""
                SELECT purchase_id, line_no, line_id, sku, name, category, brand, quantity, unit_price, amount
                FROM purchase_lines WHERE purchase_id IN (:ids) ORDER BY purchase_id, line_no""")
                .param("ids", List.copyOf(byId.keySet()))
                .query((rs, i) -> byId.get(rs.getLong("purchase_id")).lines().add(new Basket.BasketLine(rs.getInt("line_no"),
                        rs.getString("line_id"), rs.getString("sku"), rs.getString("name"), rs.getString("category"),
                        rs.getString("brand"), rs.getBigDecimal("quantity"), rs.getBigDecimal("unit_price"), rs.getBigDecimal("amount"))))
                .list();
        return sales;
    }

    /** The next returns after ({@code afterAt}, {@code afterId}) up to {@code until} (inclusive), in time order. */
    public List<HistoryReturn> returns(OffsetDateTime from, OffsetDateTime until, Long storeId, OffsetDateTime afterAt, long afterId,
                                       int limit) {
        List<HistoryReturn> returns = jdbc.sql("""
                SELECT r.id, r.purchase_id, r.occurred_at FROM purchase_returns r
                WHERE r.occurred_at >= :from AND r.occurred_at <= :until AND (r.occurred_at > :a OR (r.occurred_at = :a AND r.id > :id))"""
                        + (storeId == null ? "" : " AND r.store_id = :s") + " ORDER BY r.occurred_at, r.id LIMIT :n")
                .param("from", from).param("until", until).param("a", afterAt == null ? EPOCH : afterAt).param("id", afterId)
                .param("s", storeId).param("n", limit)
                .query((rs, i) -> new HistoryReturn(rs.getLong("id"), rs.getLong("purchase_id"),
                        rs.getObject("occurred_at", OffsetDateTime.class), new TreeMap<>())).list();
        if (returns.isEmpty()) {
            return returns;
        }
        Map<Long, HistoryReturn> byId = new LinkedHashMap<>();
        returns.forEach(r -> byId.put(r.id(), r));
        jdbc.sql("SELECT return_pk, line_no, quantity FROM return_lines WHERE return_pk IN (:ids)")
                .param("ids", List.copyOf(byId.keySet()))
                .query((rs, i) -> byId.get(rs.getLong("return_pk")).quantities().put(rs.getInt("line_no"), rs.getBigDecimal("quantity")))
                .list();
        return returns;
    }

    /** A member's recorded purchases before {@code before} from {@code since} on: time, spend, points, and their returns. */
    public record PriorPurchase(long id, OffsetDateTime at, BigDecimal spend, long points) {
    }

    public record PriorReturn(long purchaseId, OffsetDateTime at, BigDecimal spend, long points, OffsetDateTime purchaseAt) {
    }

    public List<PriorPurchase> priorPurchases(long memberId, OffsetDateTime since, OffsetDateTime before) {
        return jdbc.sql("""
                SELECT id, occurred_at, subtotal - discount_total AS spend, points_earned FROM purchases
                WHERE member_id = :m AND occurred_at >= :since AND occurred_at < :before ORDER BY occurred_at, id LIMIT 100000""")
                .param("m", memberId).param("since", since).param("before", before)
                .query((rs, i) -> new PriorPurchase(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getBigDecimal(3),
                        rs.getLong(4))).list();
    }

    /** Returns, before {@code returnsBefore}, of the member's purchases from {@code since} (null: all time) to {@code before}. */
    public List<PriorReturn> priorReturns(long memberId, OffsetDateTime since, OffsetDateTime before, OffsetDateTime returnsBefore) {
        return jdbc.sql("""
                SELECT r.purchase_id, r.occurred_at, r.refunded_amount, r.points_reversed + r.points_forgiven, p.occurred_at
                FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id
                WHERE p.member_id = :m AND p.occurred_at >= :since AND p.occurred_at < :before AND r.occurred_at < :rb
                LIMIT 100000""")
                .param("m", memberId).param("since", since == null ? EPOCH : since).param("before", before).param("rb", returnsBefore)
                .query((rs, i) -> new PriorReturn(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getBigDecimal(3),
                        rs.getLong(4), rs.getObject(5, OffsetDateTime.class))).list();
    }

    /** Spend, points and purchase count of the member's purchases before {@code before}. */
    public Object[] priorTotals(long memberId, OffsetDateTime before) {
        return jdbc.sql("""
                SELECT COALESCE(SUM(subtotal - discount_total), 0), COALESCE(SUM(points_earned), 0), COUNT(*)
                FROM purchases WHERE member_id = :m AND occurred_at < :before""")
                .param("m", memberId).param("before", before)
                .query((rs, i) -> new Object[] {rs.getBigDecimal(1), rs.getLong(2), rs.getLong(3)}).single();
    }
}
