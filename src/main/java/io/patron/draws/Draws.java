package io.patron.draws;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Prize draws. Created with a secret random seed whose SHA-256 (the commitment) is public at once;
 * tickets are issued with purchases during the entry period and voided in proportion when goods come
 * back, until entries close; closing freezes the ticket list (pseudonymised) and publishes its hash;
 * drawing reveals the seed and computes the winners by {@link DrawAlgorithm} — once, never again.
 * Every step is audited. A draw of a series that repeats monthly is followed by the next month's.
 */
@Service
public class Draws {

    private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9-]{1,39}");
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int TICKETS_PER_PURCHASE_MAX = 10_000;

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate template;
    private final io.patron.coupons.Coupons coupons;
    private final io.patron.segments.Segments segments;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public static final String DRAW_DRAWN = "draw.drawn";
    /** Winners named in the draw.drawn event; a receiver wanting more reads the draw through the API. */
    static final int WINNERS_IN_EVENT = 100;

    private final io.patron.events.Events events;

    Draws(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate template, io.patron.coupons.Coupons coupons,
          io.patron.segments.Segments segments, AuditLog audit, TransactionTemplate transactions, Clock clock,
          io.patron.events.Events events) {
        this.events = events;
        this.jdbc = jdbc;
        this.template = template;
        this.coupons = coupons;
        this.segments = segments;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "DrawStatus")
    public enum Status { OPEN, CLOSED, DRAWN }

    /** A prize: its name, how many, and optionally the coupon campaign whose coupon each winner of it gets. */
    public record Prize(String name, int quantity, String couponCampaign) {
        public Prize(String name, int quantity) {
            this(name, quantity, null);
        }
    }

    /** Who may get tickets: members of a segment, of some tiers, buying at some stores (empty: everyone). */
    public record Eligibility(String segment, List<String> tiers, List<String> stores) {
        public Eligibility {
            tiers = tiers == null ? List.of() : tiers.stream().filter(t -> t != null && !t.isBlank()).map(String::trim).toList();
            stores = stores == null ? List.of() : stores.stream().filter(t -> t != null && !t.isBlank()).map(s -> s.trim().toUpperCase(Locale.ROOT)).toList();
            segment = segment == null || segment.isBlank() ? null : segment.trim().toUpperCase(Locale.ROOT);
        }

        static final Eligibility EVERYONE = new Eligibility(null, List.of(), List.of());
    }

    /** A draw as anyone may see it: the seed only once drawn, the ticket-list hash once entries closed. */
    public record Draw(long id, String code, String series, boolean repeatMonthly, String name, OffsetDateTime entryFrom,
                       OffsetDateTime entryTo, Integer maxTickets, boolean allowMultipleWins, boolean autoDraw, String commitment,
                       Status status, String ticketsHash, String seed, OffsetDateTime frozenAt, OffsetDateTime drawnAt,
                       List<Prize> prizes, List<Winner> winners, long tickets, Eligibility eligibility) {
    }

    public record Winner(int slot, String prize, long ticket, String pseudonym, Long memberId, String couponCode,
                         OffsetDateTime handedOverAt) {
    }

    public record DrawRequest(String code, String series, Boolean repeatMonthly, String name, OffsetDateTime entryFrom,
                              OffsetDateTime entryTo, Integer maxTickets, Boolean allowMultipleWins, Boolean autoDraw,
                              List<Prize> prizes, Eligibility eligibility) {
    }

    @Transactional
    public Draw create(DrawRequest r) {
        Validation v = new Validation();
        String code = r.code() == null ? "" : r.code().trim().toUpperCase(Locale.ROOT);
        if (!CODE.matcher(code).matches() || find(code).isPresent()) {
            v.reject("code", "2 to 40 letters, digits or -, not used by another draw");
        }
        String series = r.series() == null || r.series().isBlank() ? null : r.series().trim().toUpperCase(Locale.ROOT);
        if (series != null && !CODE.matcher(series).matches()) {
            v.reject("series", "2 to 40 letters, digits or -");
        }
        if (r.name() == null || r.name().isBlank() || r.name().length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        if (r.entryFrom() == null || r.entryTo() == null || !r.entryTo().isAfter(r.entryFrom())) {
            v.reject("entryTo", "an entry period: entryFrom, and entryTo after it");
        }
        if (r.maxTickets() != null && (r.maxTickets() < 1 || r.maxTickets() > 1_000_000)) {
            v.reject("maxTickets", "1 to 1000000, or empty for no limit");
        }
        if (r.prizes() == null || r.prizes().isEmpty() || r.prizes().size() > 50) {
            v.reject("prizes", "1 to 50 prizes");
        } else {
            for (int i = 0; i < r.prizes().size(); i++) {
                Prize p = r.prizes().get(i);
                if (p == null || p.name() == null || p.name().isBlank() || p.name().length() > 200 || p.quantity() < 1 || p.quantity() > 10_000) {
                    v.reject("prizes[" + i + "]", "a name (at most 200 characters) and a quantity from 1 to 10000");
                } else if (p.couponCampaign() != null && !p.couponCampaign().isBlank() && coupons.campaignByCode(p.couponCampaign()).isEmpty()) {
                    v.reject("prizes[" + i + "].couponCampaign", "no coupon campaign has this code");
                }
            }
        }
        Eligibility eligibility = r.eligibility() == null ? Eligibility.EVERYONE : r.eligibility();
        if (eligibility.segment() != null && segments.byCode(eligibility.segment()).isEmpty()) {
            v.reject("eligibility.segment", "no segment has this code");
        }
        v.throwIfInvalid();
        return insert(code, series, Boolean.TRUE.equals(r.repeatMonthly()), r.name().trim(), r.entryFrom(), r.entryTo(), r.maxTickets(),
                Boolean.TRUE.equals(r.allowMultipleWins()), !Boolean.FALSE.equals(r.autoDraw()), r.prizes(), eligibility);
    }

    private Draw insert(String code, String series, boolean repeatMonthly, String name, OffsetDateTime from, OffsetDateTime to,
                        Integer maxTickets, boolean multiple, boolean autoDraw, List<Prize> prizes, Eligibility eligibility) {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        long id = jdbc.sql("SELECT nextval('draw_seq')").query(Long.class).single();
        jdbc.sql("""
                INSERT INTO draws (id, code, series, repeat_monthly, name, entry_from, entry_to, max_tickets, allow_multiple_wins,
                    auto_draw, eligible_segment, eligible_tiers, eligible_stores, commitment, seed_secret, pseudonym_key, status,
                    created_by, created_at)
                VALUES (:id, :code, :series, :repeat, :name, :from, :to, :max, :multiple, :auto, :segment, :tiers, :stores,
                    :commitment, :seed, :key, 'OPEN', :by, :at)""")
                .param("segment", eligibility.segment()).param("tiers", String.join(",", eligibility.tiers()))
                .param("stores", String.join(",", eligibility.stores()))
                .param("id", id).param("code", code).param("series", series).param("repeat", repeatMonthly).param("name", name)
                .param("from", from).param("to", to).param("max", maxTickets).param("multiple", multiple).param("auto", autoDraw)
                .param("commitment", DrawAlgorithm.sha256(seed)).param("seed", HexFormat.of().formatHex(seed))
                .param("key", HexFormat.of().formatHex(key)).param("by", Callers.actorName()).param("at", OffsetDateTime.now(clock))
                .update();
        for (int i = 0; i < prizes.size(); i++) {
            Prize prize = prizes.get(i);
            jdbc.sql("INSERT INTO draw_prizes (draw_id, position, name, quantity, coupon_campaign) VALUES (:d, :p, :n, :q, :c)")
                    .param("d", id).param("p", i).param("n", prize.name().trim()).param("q", prize.quantity())
                    .param("c", prize.couponCampaign() == null || prize.couponCampaign().isBlank() ? null
                            : prize.couponCampaign().trim().toUpperCase(Locale.ROOT)).update();
        }
        audit.record("DRAW_CREATED", "draw", id, null, Map.of("code", code, "commitment", DrawAlgorithm.sha256(seed)));
        return get(id);
    }

    public Optional<Draw> find(String code) {
        return jdbc.sql("SELECT * FROM draws WHERE code = :c").param("c", code == null ? "" : code.trim().toUpperCase(Locale.ROOT))
                .query(this::row).optional();
    }

    public Draw get(long id) {
        return jdbc.sql("SELECT * FROM draws WHERE id = :id").param("id", id).query(this::row).optional()
                .orElseThrow(() -> ProblemException.notFound("DRAW_NOT_FOUND", "No draw " + id + "."));
    }

    /** Ids of the draws drawn in [from, now]: whose results are news. */
    public List<Long> drawnSince(OffsetDateTime from, int limit) {
        return jdbc.sql("SELECT id FROM draws WHERE status = 'DRAWN' AND drawn_at >= :from ORDER BY id LIMIT :l")
                .param("from", from).param("l", limit).query(Long.class).list();
    }

    /** Members holding a ticket of a draw that was not voided, after {@code afterMemberId}, in id order. */
    public List<Long> participants(long drawId, long afterMemberId, int limit) {
        return jdbc.sql("""
                SELECT DISTINCT member_id FROM draw_tickets WHERE draw_id = :d AND voided_at IS NULL AND member_id > :after
                ORDER BY member_id LIMIT :l""")
                .param("d", drawId).param("after", afterMemberId).param("l", limit).query(Long.class).list();
    }

    public List<Draw> list(int limit) {
        return jdbc.sql("SELECT * FROM draws ORDER BY id DESC LIMIT :l").param("l", limit).query(this::row).list();
    }

    /** What a sale needs of the draw its tickets go to: one row, read on the till's path. */
    private record OpenDraw(long id, String code, String name, long maxTickets, Eligibility eligibility) {
    }

    /** The open draw a rule's tickets go to: the draw of that code, or the open draw of that series. */
    private Optional<OpenDraw> openDraw(String codeOrSeries, OffsetDateTime at) {
        return jdbc.sql("""
                SELECT id, code, name, COALESCE(max_tickets, -1), eligible_segment, eligible_tiers, eligible_stores FROM draws
                WHERE status = 'OPEN' AND (code = :c OR series = :c) AND entry_from <= :at AND entry_to > :at ORDER BY id LIMIT 1""")
                .param("c", codeOrSeries.toUpperCase(Locale.ROOT)).param("at", at)
                .query((rs, i) -> new OpenDraw(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        new Eligibility(rs.getString(5), split(rs.getString(6)), split(rs.getString(7))))).optional();
    }

    /** Tickets a sale gave: the draw's code and name and the ticket numbers. */
    public record Issued(String draw, String name, List<Long> numbers) {
    }

    /**
     * Issues up to {@code count} tickets of the open draw named by a rule to a member for a purchase
     * (within the draw's per-member maximum); runs in the sale's transaction, under the member's lock.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Issued> issue(String codeOrSeries, long memberId, long purchaseId, int count, OffsetDateTime at, long storeId,
                                  String tier) {
        Optional<OpenDraw> open = openDraw(codeOrSeries, at);
        if (open.isEmpty() || count <= 0 || !eligible(open.get().eligibility(), memberId, storeId, tier)) {
            return Optional.empty();
        }
        long drawId = open.get().id();
        long max = open.get().maxTickets();
        int n = Math.min(count, TICKETS_PER_PURCHASE_MAX);
        if (max >= 0) {
            long held = jdbc.sql("SELECT COUNT(*) FROM draw_tickets WHERE draw_id = :d AND member_id = :m AND voided_at IS NULL")
                    .param("d", drawId).param("m", memberId).query(Long.class).single();
            n = (int) Math.max(0, Math.min(n, max - held));
        }
        if (n == 0) {
            return Optional.empty();
        }
        // One batch for all the tickets of the sale, then one query for their numbers (ids from the sequence).
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {drawId, memberId, purchaseId, now});
        }
        template.batchUpdate("INSERT INTO draw_tickets (id, draw_id, member_id, purchase_id, issued_at) "
                + "VALUES (nextval('draw_ticket_seq'), ?, ?, ?, ?)", rows);
        // The n just inserted: the sale's highest numbers in this draw (two rules may give tickets of one draw).
        List<Long> numbers = new ArrayList<>(jdbc.sql(
                        "SELECT id FROM draw_tickets WHERE purchase_id = :p AND draw_id = :d ORDER BY id DESC LIMIT :n")
                .param("p", purchaseId).param("d", drawId).param("n", n).query(Long.class).list());
        java.util.Collections.reverse(numbers);
        return Optional.of(new Issued(open.get().code(), open.get().name(), numbers));
    }

    /** The tickets a sale gave in draws still open, by draw code (those voided since included). */
    public Map<String, Integer> ticketsGiven(long purchaseId) {
        Map<String, Integer> given = new java.util.HashMap<>();
        jdbc.sql("""
                SELECT d.code, COUNT(*) FROM draw_tickets t JOIN draws d ON d.id = t.draw_id
                WHERE t.purchase_id = :p AND d.status = 'OPEN' GROUP BY d.code""")
                .param("p", purchaseId).query((rs, i) -> given.put(rs.getString(1), rs.getInt(2))).list();
        return given;
    }

    /** The code of the draw that a rule's tickets (naming a draw or its series) went to at {@code at}. */
    public String drawCodeFor(String codeOrSeries, OffsetDateTime at) {
        return openDraw(codeOrSeries, at).map(OpenDraw::code).orElse(codeOrSeries.toUpperCase(Locale.ROOT));
    }

    /**
     * Goods of a purchase came back: in each draw still open, the sale keeps {@code keep} of its tickets
     * (absent: none) and the others are voided, the highest numbers first. Tickets of a frozen list are
     * never touched.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void keepTickets(long purchaseId, Map<String, Integer> keep, OffsetDateTime at) {
        List<Object[]> perDraw = jdbc.sql("""
                SELECT t.draw_id, d.code, SUM(CASE WHEN t.voided_at IS NULL THEN 1 ELSE 0 END) FROM draw_tickets t
                JOIN draws d ON d.id = t.draw_id WHERE t.purchase_id = :p AND d.status = 'OPEN' GROUP BY t.draw_id, d.code""")
                .param("p", purchaseId).query((rs, i) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3)}).list();
        for (Object[] d : perDraw) {
            long more = (Long) d[2] - keep.getOrDefault((String) d[1], 0);
            if (more > 0) {
                List<Long> ids = jdbc.sql("""
                        SELECT id FROM draw_tickets WHERE purchase_id = :p AND draw_id = :d AND voided_at IS NULL ORDER BY id DESC LIMIT :n""")
                        .param("p", purchaseId).param("d", d[0]).param("n", more).query(Long.class).list();
                jdbc.sql("UPDATE draw_tickets SET voided_at = :at WHERE id IN (:ids)").param("at", at).param("ids", ids).update();
            }
        }
    }

    private boolean eligible(Eligibility e, long memberId, long storeId, String tier) {
        if (!e.tiers().isEmpty() && (tier == null || !e.tiers().contains(tier))) {
            return false;
        }
        if (!e.stores().isEmpty()) {
            String store = jdbc.sql("SELECT code FROM stores WHERE id = :id").param("id", storeId).query(String.class).optional().orElse("");
            if (!e.stores().contains(store)) {
                return false;
            }
        }
        return e.segment() == null || segments.byCode(e.segment()).map(s -> segments.contains(s.definition(), memberId)).orElse(false);
    }

    /** Freezes the ticket list: pseudonymised, ordered by number, hashed; no ticket changes after this. */
    @Transactional
    public Draw close(long drawId) {
        Draw draw = get(drawId);
        if (draw.status() != Status.OPEN) {
            throw ProblemException.conflict("DRAW_NOT_OPEN", "Draw " + draw.code() + " is already closed.", null);
        }
        String key = jdbc.sql("SELECT pseudonym_key FROM draws WHERE id = :id FOR UPDATE").param("id", drawId).query(String.class).single();
        List<DrawAlgorithm.Ticket> tickets = jdbc.sql("SELECT id, member_id FROM draw_tickets WHERE draw_id = :d AND voided_at IS NULL")
                .param("d", drawId).query((rs, i) -> new DrawAlgorithm.Ticket(rs.getLong(1), pseudonym(key, rs.getLong(2)))).list();
        String list = DrawAlgorithm.list(tickets);
        String hash = DrawAlgorithm.sha256(list);
        OffsetDateTime now = OffsetDateTime.now(clock);
        int closed = jdbc.sql("""
                UPDATE draws SET status = 'CLOSED', ticket_list = :list, tickets_hash = :hash, frozen_at = :now WHERE id = :id AND status = 'OPEN'""")
                .param("list", list).param("hash", hash).param("now", now).param("id", drawId).update();
        if (closed == 0) {
            throw ProblemException.conflict("DRAW_NOT_OPEN", "Draw " + draw.code() + " is already closed.", null);
        }
        audit.record("DRAW_CLOSED", "draw", drawId, null, Map.of("tickets", tickets.size(), "ticketsHash", hash));
        if (draw.repeatMonthly()) {
            next(draw);
        }
        return get(drawId);
    }

    /** The next month's draw of a repeating series: same prizes and rules, the following calendar month. */
    private void next(Draw draw) {
        OffsetDateTime from = draw.entryTo();
        OffsetDateTime to = from.plusMonths(1);
        String code = (draw.series() == null ? draw.code() : draw.series()) + "-" + from.getYear() + "-"
                + String.format("%02d", from.getMonthValue());
        if (find(code).isEmpty()) {
            insert(code, draw.series(), true, draw.name(), from, to, draw.maxTickets(), draw.allowMultipleWins(), draw.autoDraw(),
                    draw.prizes(), draw.eligibility());
        }
    }

    /** Reveals the seed and picks the winners from the frozen list, once; a drawn draw is never drawn again. */
    @Transactional
    public Draw draw(long drawId) {
        Draw draw = get(drawId);
        if (draw.status() == Status.DRAWN) {
            throw ProblemException.conflict("ALREADY_DRAWN", "Draw " + draw.code() + " was drawn on " + draw.drawnAt() + "; it cannot be drawn again.", null);
        }
        if (draw.status() == Status.OPEN) {
            if (OffsetDateTime.now(clock).isBefore(draw.entryTo())) {
                throw ProblemException.conflict("DRAW_STILL_OPEN", "Entries to " + draw.code() + " are open until " + draw.entryTo() + ".", null);
            }
            close(drawId);
        }
        Map<String, Object> secret = jdbc.sql("SELECT seed_secret, ticket_list, pseudonym_key FROM draws WHERE id = :id FOR UPDATE")
                .param("id", drawId).query((rs, i) -> Map.<String, Object>of("seed", rs.getString(1), "list", rs.getString(2),
                        "key", rs.getString(3))).single();
        int slots = draw.prizes().stream().mapToInt(Prize::quantity).sum();
        List<DrawAlgorithm.Win> wins = DrawAlgorithm.winners(draw.code(), HexFormat.of().parseHex((String) secret.get("seed")),
                (String) secret.get("list"), slots, draw.allowMultipleWins());
        Map<Long, Long> holders = new HashMap<>();
        jdbc.sql("SELECT id, member_id FROM draw_tickets WHERE draw_id = :d").param("d", drawId)
                .query((rs, i) -> holders.put(rs.getLong(1), rs.getLong(2))).list();
        OffsetDateTime now = OffsetDateTime.now(clock);
        int drawn = jdbc.sql("UPDATE draws SET status = 'DRAWN', drawn_at = :now, drawn_by = :by WHERE id = :id AND status = 'CLOSED'")
                .param("now", now).param("by", Callers.actorName()).param("id", drawId).update();
        if (drawn == 0) {
            throw ProblemException.conflict("ALREADY_DRAWN", "Draw " + draw.code() + " cannot be drawn again.", null);
        }
        List<Prize> prizeBySlot = new ArrayList<>();
        draw.prizes().forEach(p -> {
            for (int i = 0; i < p.quantity(); i++) {
                prizeBySlot.add(p);
            }
        });
        List<Map<String, Object>> winners = new ArrayList<>();
        for (DrawAlgorithm.Win win : wins) {
            Prize prize = prizeBySlot.get(win.slot());
            long member = holders.get(win.ticket().number());
            if (winners.size() < WINNERS_IN_EVENT) {
                winners.add(Map.of("slot", win.slot(), "prize", prize.name(), "ticket", win.ticket().number(), "memberId", member));
            }
            String coupon = prize.couponCampaign() == null ? null : coupons.campaignByCode(prize.couponCampaign())
                    .map(c -> coupons.issue(c, member, now, null).code()).orElse(null);
            jdbc.sql("""
                    INSERT INTO draw_winners (draw_id, slot, prize, ticket, pseudonym, member_id, coupon_code)
                    VALUES (:d, :s, :p, :t, :ps, :m, :c)""")
                    .param("d", drawId).param("s", win.slot()).param("p", prize.name()).param("t", win.ticket().number())
                    .param("ps", win.ticket().pseudonym()).param("m", member).param("c", coupon).update();
        }
        audit.record("DRAW_DRAWN", "draw", drawId, null, Map.of("seed", secret.get("seed"), "winners",
                wins.stream().map(w -> w.ticket().number()).toList()));
        events.record(DRAW_DRAWN, null, null, Map.of("drawId", drawId, "drawCode", draw.code(), "winners", winners,
                "winnersTotal", wins.size()), now);
        return get(drawId);
    }

    @Transactional
    public Draw handOver(long drawId, int slot) {
        int updated = jdbc.sql("UPDATE draw_winners SET handed_over_at = :now WHERE draw_id = :d AND slot = :s AND handed_over_at IS NULL")
                .param("now", OffsetDateTime.now(clock)).param("d", drawId).param("s", slot).update();
        if (updated == 0) {
            throw ProblemException.notFound("WINNER_NOT_FOUND", "No prize " + slot + " waiting to be handed over in draw " + drawId + ".");
        }
        audit.record("DRAW_PRIZE_HANDED_OVER", "draw", drawId, null, Map.of("slot", slot));
        return get(drawId);
    }

    /** Closes draws whose entries ended and draws those that draw themselves; every instance may run it. */
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "draws-close-and-draw", lockAtMostFor = "PT30M")
    @Scheduled(fixedDelayString = "${patron.draws.check-millis:60000}", initialDelayString = "${patron.draws.initial-delay-millis:45000}")
    public void closeAndDrawDue() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        for (long id : jdbc.sql("SELECT id FROM draws WHERE status = 'OPEN' AND entry_to <= :now").param("now", now).query(Long.class).list()) {
            try {
                transactions.executeWithoutResult(s -> close(id));
            } catch (ProblemException e) {
                // Closed by another instance meanwhile.
            }
        }
        for (long id : jdbc.sql("SELECT id FROM draws WHERE status = 'CLOSED' AND auto_draw = TRUE").query(Long.class).list()) {
            try {
                transactions.executeWithoutResult(s -> draw(id));
            } catch (ProblemException e) {
                // Drawn by another instance meanwhile.
            }
        }
    }

    /**
     * A merged duplicate's tickets (and prizes) belong to the survivor from now on; lists already frozen
     * keep their pseudonyms, and a prize drawn for the duplicate's ticket goes to the same person.
     */
    @org.springframework.context.event.EventListener
    void on(io.patron.members.MembersMerged merged) {
        jdbc.sql("UPDATE draw_tickets SET member_id = :to WHERE member_id = :from")
                .param("to", merged.survivor().value()).param("from", merged.merged().value()).update();
        jdbc.sql("UPDATE draw_winners SET member_id = :to WHERE member_id = :from")
                .param("to", merged.survivor().value()).param("from", merged.merged().value()).update();
    }

    /** The frozen ticket list as published (null before entries close). */
    public String ticketList(long drawId) {
        return jdbc.sql("SELECT ticket_list FROM draws WHERE id = :id").param("id", drawId).query(String.class).optional().orElse(null);
    }

    /** A member's tickets in each draw, with what they won. */
    public record MemberTickets(Draw draw, List<Long> numbers, List<Winner> won) {
    }

    public List<MemberTickets> ofMember(long memberId) {
        List<Long> drawIds = jdbc.sql("SELECT DISTINCT draw_id FROM draw_tickets WHERE member_id = :m").param("m", memberId)
                .query(Long.class).list();
        List<MemberTickets> result = new ArrayList<>();
        for (long id : drawIds.stream().sorted(java.util.Comparator.reverseOrder()).limit(24).toList()) {
            Draw draw = get(id);
            List<Long> numbers = jdbc.sql("SELECT id FROM draw_tickets WHERE draw_id = :d AND member_id = :m AND voided_at IS NULL ORDER BY id LIMIT 1000")
                    .param("d", id).param("m", memberId).query(Long.class).list();
            result.add(new MemberTickets(draw, numbers, draw.winners().stream().filter(w -> Long.valueOf(memberId).equals(w.memberId())).toList()));
        }
        return result;
    }

    static String pseudonym(String keyHex, long memberId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(keyHex), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(Long.toString(memberId).getBytes(StandardCharsets.US_ASCII))).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Draw row(ResultSet rs, int i) throws SQLException {
        long id = rs.getLong("id");
        int max = rs.getInt("max_tickets");
        Integer maxTickets = rs.wasNull() ? null : max;
        Status status = Status.valueOf(rs.getString("status"));
        List<Prize> prizes = jdbc.sql("SELECT name, quantity, coupon_campaign FROM draw_prizes WHERE draw_id = :d ORDER BY position")
                .param("d", id).query((r, n) -> new Prize(r.getString(1), r.getInt(2), r.getString(3))).list();
        List<Winner> winners = jdbc.sql("SELECT * FROM draw_winners WHERE draw_id = :d ORDER BY slot").param("d", id)
                .query((r, n) -> new Winner(r.getInt("slot"), r.getString("prize"), r.getLong("ticket"), r.getString("pseudonym"),
                        r.getLong("member_id"), r.getString("coupon_code"), r.getObject("handed_over_at", OffsetDateTime.class))).list();
        long tickets = jdbc.sql("SELECT COUNT(*) FROM draw_tickets WHERE draw_id = :d AND voided_at IS NULL").param("d", id)
                .query(Long.class).single();
        return new Draw(id, rs.getString("code"), rs.getString("series"), rs.getBoolean("repeat_monthly"), rs.getString("name"),
                rs.getObject("entry_from", OffsetDateTime.class), rs.getObject("entry_to", OffsetDateTime.class), maxTickets,
                rs.getBoolean("allow_multiple_wins"), rs.getBoolean("auto_draw"), rs.getString("commitment"), status,
                rs.getString("tickets_hash"), status == Status.DRAWN ? rs.getString("seed_secret") : null,
                rs.getObject("frozen_at", OffsetDateTime.class), rs.getObject("drawn_at", OffsetDateTime.class), prizes, winners, tickets,
                new Eligibility(rs.getString("eligible_segment"), split(rs.getString("eligible_tiers")), split(rs.getString("eligible_stores"))));
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isBlank() ? List.of() : List.of(joined.split(","));
    }

    /** The month's draw of the demo programme (a draw a month, one ticket per 500), created at first start. */
    @Transactional
    public void installDemo(ZoneId zone) {
        if (find("MONTHLY").isPresent() || jdbc.sql("SELECT COUNT(*) FROM draws WHERE series = 'MONTHLY'").query(Long.class).single() > 0) {
            return;
        }
        OffsetDateTime from = OffsetDateTime.now(clock).atZoneSameInstant(zone).toLocalDate().withDayOfMonth(1).atStartOfDay(zone)
                .toOffsetDateTime();
        String code = "MONTHLY-" + from.getYear() + "-" + String.format("%02d", from.getMonthValue());
        insert(code, "MONTHLY", true, "Monthly prize draw", from, from.plusMonths(1), null, false, true,
                List.of(new Prize("Shopping voucher 5,000", 1), new Prize("Coffee machine", 1), new Prize("Gift box", 3)), Eligibility.EVERYONE);
    }
}
