package io.patron.journeys;

import io.patron.audit.AuditLog;
import io.patron.checkout.TierStatus;
import io.patron.checkout.Tiers;
import io.patron.common.Callers;
import io.patron.common.Validation;
import io.patron.coupons.Campaign;
import io.patron.coupons.Coupons;
import io.patron.draws.Draws;
import io.patron.feedback.Feedback;
import io.patron.ledger.Ledger;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberEnrolled;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.messaging.MailComposer;
import io.patron.messaging.Mailer;
import io.patron.program.ProgramDefinition;
import io.patron.program.Programs;
import java.time.Clock;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The journeys: mails triggered by what members do (enrol, first purchase, a tier reached — queued in
 * the same transaction as the event) or by time (birthday, survey after a purchase, win-back, points
 * about to expire, draw results — found by a scheduled run). Each fires once per member and
 * occurrence: a row of {@code journey_sends} with a unique key is written with the mail, so two
 * instances (or two runs) can never both send it. Marketing journeys need the member's consent and
 * stay under the weekly limit of marketing mails.
 */
@Service
public class Journeys {

    private static final Logger log = LoggerFactory.getLogger(Journeys.class);
    private static final int BATCH = 500;
    private static final int BATCHES_PER_RUN_MAX = 200;

    private final JdbcClient jdbc;
    private final Members members;
    private final Mailer mailer;
    private final MailComposer composer;
    private final Ledger ledger;
    private final Programs programs;
    private final Tiers tiers;
    private final Coupons coupons;
    private final Feedback feedback;
    private final Draws draws;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int marketingPerWeek;
    private final io.patron.common.PublicUrl publicUrl;
    private volatile Map<Journey, JourneySettings> cache;
    private volatile long cacheUntilMillis;

    private final ProgrammeHoldout programmeHoldout;
    private final io.patron.sms.SmsChannel sms;
    private final io.patron.sms.SmsTemplates smsTemplates;

    Journeys(JdbcClient jdbc, Members members, Mailer mailer, MailComposer composer, Ledger ledger, Programs programs, Tiers tiers,
             Coupons coupons, Feedback feedback, Draws draws, AuditLog audit, TransactionTemplate transactions, Clock clock,
             @Value("${patron.journeys.marketing-per-week:3}") int marketingPerWeek,
             io.patron.common.PublicUrl publicUrl, ProgrammeHoldout programmeHoldout, io.patron.sms.SmsChannel sms,
             io.patron.sms.SmsTemplates smsTemplates) {
        this.programmeHoldout = programmeHoldout;
        this.sms = sms;
        this.smsTemplates = smsTemplates;
        this.jdbc = jdbc;
        this.members = members;
        this.mailer = mailer;
        this.composer = composer;
        this.ledger = ledger;
        this.programs = programs;
        this.tiers = tiers;
        this.coupons = coupons;
        this.feedback = feedback;
        this.draws = draws;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
        this.marketingPerWeek = marketingPerWeek;
        this.publicUrl = publicUrl;
    }

    // --- settings

    public List<JourneySettings> settings() {
        return List.copyOf(settingsMap().values());
    }

    public JourneySettings settings(Journey journey) {
        return settingsMap().get(journey);
    }

    private Map<Journey, JourneySettings> settingsMap() {
        Map<Journey, JourneySettings> c = cache;
        if (c == null || clock.millis() > cacheUntilMillis) {
            Map<Journey, JourneySettings> loaded = new EnumMap<>(Journey.class);
            jdbc.sql("SELECT * FROM journey_settings").query((rs, i) -> new JourneySettings(Journey.valueOf(rs.getString("kind")),
                    rs.getBoolean("enabled"), rs.getInt("days"), rs.getInt("period_days"), rs.getString("coupon_campaign"),
                    rs.getObject("updated_at", OffsetDateTime.class), rs.getString("updated_by"), rs.getInt("holdout_percent"))).list()
                    .forEach(s -> loaded.put(s.journey(), s));
            c = loaded;
            cache = c;
            cacheUntilMillis = clock.millis() + 5_000;
        }
        return c;
    }

    @Transactional
    public JourneySettings update(Journey journey, boolean enabled, int days, int periodDays, String couponCampaign) {
        return update(journey, enabled, days, periodDays, couponCampaign, settings(journey).holdoutPercent());
    }

    @Transactional
    public JourneySettings update(Journey journey, boolean enabled, int days, int periodDays, String couponCampaign, int holdoutPercent) {
        Validation v = new Validation();
        if (holdoutPercent < 0 || holdoutPercent > 50 || holdoutPercent > 0 && !journey.marketing()) {
            v.reject("holdoutPercent", "0 to 50, and only for a marketing journey");
        }
        if (days < 0 || days > 730) {
            v.reject("days", "from 0 to 730");
        }
        if (periodDays < 0 || periodDays > 3650) {
            v.reject("periodDays", "from 0 to 3650");
        }
        String campaign = couponCampaign == null || couponCampaign.isBlank() ? null : couponCampaign.trim().toUpperCase();
        if (campaign != null && coupons.campaignByCode(campaign).isEmpty()) {
            v.reject("couponCampaign", "no coupon campaign " + campaign);
        }
        v.throwIfInvalid();
        JourneySettings before = settings(journey);
        jdbc.sql("""
                UPDATE journey_settings SET enabled = :e, days = :d, period_days = :p, coupon_campaign = :c, holdout_percent = :h,
                    updated_at = :at, updated_by = :by WHERE kind = :k""")
                .param("h", holdoutPercent)
                .param("e", enabled).param("d", days).param("p", periodDays).param("c", campaign)
                .param("at", OffsetDateTime.now(clock)).param("by", Callers.actorName()).param("k", journey.name()).update();
        cache = null;
        JourneySettings after = settings(journey);
        audit.record("JOURNEY_UPDATED", "journey", journey.name(), before, after);
        return after;
    }

    // --- what happened, per member

    public List<JourneySend> sends(MemberId member, int limit) {
        return jdbc.sql("SELECT * FROM journey_sends WHERE member_id = :m ORDER BY id DESC LIMIT :l")
                .param("m", member.value()).param("l", Math.min(limit, 1000))
                .query((rs, i) -> new JourneySend(rs.getLong("id"), rs.getString("kind"), rs.getLong("member_id"),
                        rs.getString("occurrence"), rs.getString("status"), (Long) rs.getObject("outbox_id", Long.class),
                        rs.getObject("created_at", OffsetDateTime.class))).list();
    }

    /** Per journey, how many occurrences ended how in the last {@code days} days. */
    public Map<String, Map<String, Long>> counts(int days) {
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        jdbc.sql("SELECT kind, status, COUNT(*) FROM journey_sends WHERE created_at >= :from GROUP BY kind, status")
                .param("from", OffsetDateTime.now(clock).minusDays(days))
                .query((rs, i) -> {
                    out.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>()).put(rs.getString(2), rs.getLong(3));
                    return null;
                }).list();
        return out;
    }

    // --- triggered by events, in the event's transaction

    /**
     * The journeys' reaction to what happened, after it was committed: the welcome for a new member,
     * thanks after the first purchase and the tier upgrade. Each mail is sent once (its occurrence is
     * the key of its journey send), however often the event comes.
     */
    @org.springframework.stereotype.Component
    static class Reaction implements io.patron.events.EventReaction {
        private final Journeys journeys;

        Reaction(Journeys journeys) {
            this.journeys = journeys;
        }

        @Override
        public String name() {
            return "journeys";
        }

        @Override
        public boolean wants(String type) {
            return type.equals(Members.MEMBER_ENROLLED) || type.equals(io.patron.checkout.Checkout.PURCHASE_RECORDED);
        }

        @Override
        public void on(io.patron.events.Event event) {
            if (event.memberId() == null) {
                return;
            }
            if (event.type().equals(Members.MEMBER_ENROLLED)) {
                journeys.welcome(new MemberId(event.memberId()), EnrolmentChannel.valueOf(event.text("channel")));
            } else {
                journeys.purchased(event);
            }
        }
    }

    void welcome(MemberId memberId, EnrolmentChannel channel) {
        if (channel == EnrolmentChannel.PORTAL || channel == EnrolmentChannel.IMPORT) {
            return;
        }
        JourneySettings s = settings(Journey.WELCOME);
        if (s == null || !s.enabled()) {
            return;
        }
        members.find(memberId).ifPresent(m -> send(Journey.WELCOME, m, "welcome", vars(m, "", publicUrl.url("/portal"), ""), false));
    }

    void purchased(io.patron.events.Event purchase) {
        JourneySettings first = settings(Journey.FIRST_PURCHASE);
        JourneySettings upgrade = settings(Journey.TIER_UPGRADE);
        boolean wantFirst = first != null && first.enabled() && purchase.flag("firstPurchase");
        boolean wantUpgrade = upgrade != null && upgrade.enabled() && purchase.flag("mayHaveMovedUp");
        if (!wantFirst && !wantUpgrade) {
            return;
        }
        Optional<Member> found = members.find(new MemberId(purchase.memberId())).filter(m -> (m.email() != null || m.phone() != null) && m.active());
        if (found.isEmpty()) {
            return;
        }
        Member m = found.get();
        if (wantFirst) {
            send(Journey.FIRST_PURCHASE, m, "first", vars(m, "", publicUrl.url("/portal"), ""), false);
        }
        if (wantUpgrade) {
            ProgramDefinition program = programs.active().definition();
            TierStatus after = tiers.status(m.id(), program, OffsetDateTime.now(clock));
            if (after != null && after.tier() != null && rank(program, after.tier().name()) > rank(program, purchase.text("tierBefore"))) {
                send(Journey.TIER_UPGRADE, m, "tier:" + after.tier().name() + ":" + purchase.number("purchaseId"),
                        vars(m, "", publicUrl.url("/portal"), after.tier().name()), false);
            }
        }
    }

    private static int rank(ProgramDefinition program, String tier) {
        if (tier == null || program.tiers() == null) {
            return -1;
        }
        List<ProgramDefinition.Tier> levels = program.tiers().levels();
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).name().equals(tier)) {
                return i;
            }
        }
        return -1;
    }

    // --- found by time

    /** Finds and sends the time-driven journeys that are due; one instance runs it at a time. */
    @Scheduled(fixedDelayString = "${patron.journeys.check-millis:300000}", initialDelayString = "${patron.journeys.initial-delay-millis:90000}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "journeys", lockAtMostFor = "PT30M")
    public void scheduled() {
        Map<Journey, Integer> sent = runDue();
        if (sent.values().stream().mapToInt(Integer::intValue).sum() > 0) {
            log.info("Journeys sent: {}", sent);
        }
    }

    /** Runs every time-driven journey that is switched on; answers how many occurrences each recorded. */
    public Map<Journey, Integer> runDue() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Map<Journey, Integer> done = new EnumMap<>(Journey.class);
        for (Journey j : List.of(Journey.BIRTHDAY, Journey.SURVEY, Journey.WIN_BACK, Journey.POINTS_EXPIRING, Journey.DRAW_RESULTS)) {
            JourneySettings s = settings(j);
            if (s == null || !s.enabled()) {
                continue;
            }
            int n = switch (j) {
                case BIRTHDAY -> birthdays(s, now);
                case SURVEY -> surveys(s, now);
                case WIN_BACK -> winBacks(s, now);
                case POINTS_EXPIRING -> expiring(s, now);
                case DRAW_RESULTS -> drawResults(now);
                default -> 0;
            };
            done.put(j, n);
        }
        return done;
    }

    private int birthdays(JourneySettings s, OffsetDateTime now) {
        ZoneId zone = zone();
        LocalDate today = now.atZoneSameInstant(zone).toLocalDate();
        List<String> days = new ArrayList<>();
        for (int d = 0; d <= Math.min(s.days(), 31); d++) {
            MonthDay md = MonthDay.from(today.plusDays(d));
            days.add("(EXTRACT(MONTH FROM birth_date) = " + md.getMonthValue() + " AND EXTRACT(DAY FROM birth_date) = " + md.getDayOfMonth() + ")");
            if (md.getMonthValue() == 2 && md.getDayOfMonth() == 28 && !today.plusDays(d).isLeapYear()) {
                days.add("(EXTRACT(MONTH FROM birth_date) = 2 AND EXTRACT(DAY FROM birth_date) = 29)");
            }
        }
        String sql = "SELECT id, 0 FROM members WHERE status = 'ACTIVE' AND (email IS NOT NULL OR phone IS NOT NULL) AND birth_date IS NOT NULL AND ("
                + String.join(" OR ", days) + ") AND id > :after ORDER BY id LIMIT :l";
        return forEachBatchRows(sql, Map.of(), (id, unused) -> perMember(t -> members.find(new MemberId(id)).ifPresent(m -> {
            LocalDate birthday = m.birthDate().withYear(today.getYear());
            if (birthday.isBefore(today)) {
                birthday = m.birthDate().withYear(today.getYear() + 1);
            }
            String occurrence = "birthday:" + birthday.getYear();
            if (alreadyRecorded(Journey.BIRTHDAY, m, occurrence)) {
                return;
            }
            LocalDate day = birthday;
            send(Journey.BIRTHDAY, m, occurrence, () -> {
                // The gift coupon is issued only with the mail that announces it.
                String code = s.couponCampaign() == null ? "" : coupons.campaignByCode(s.couponCampaign())
                        .filter(c -> c.status() == Campaign.Status.ACTIVE)
                        .map(c -> coupons.issue(c, m.id().value(), now, null).code()).orElse("");
                return vars(m, code, publicUrl.url("/portal/rewards"), day.toString());
            }, false);
        })));
    }

    private int surveys(JourneySettings s, OffsetDateTime now) {
        OffsetDateTime to = now.minusDays(s.days());
        OffsetDateTime from = to.minusDays(3);
        OffsetDateTime quiet = now.minusDays(Math.max(1, s.periodDays()));
        String sql = """
                SELECT p.member_id AS id, MAX(p.id) AS purchase_id FROM purchases p
                WHERE p.member_id IS NOT NULL AND p.occurred_at >= :from AND p.occurred_at < :to AND p.member_id > :after
                  AND NOT EXISTS (SELECT 1 FROM journey_sends s WHERE s.kind = 'SURVEY' AND s.member_id = p.member_id AND s.created_at >= :quiet)
                GROUP BY p.member_id ORDER BY p.member_id LIMIT :l""";
        return forEachBatchRows(sql, Map.of("from", from, "to", to, "quiet", quiet), (id, purchaseId) ->
                perMember(t -> members.find(new MemberId(id)).filter(m -> (m.email() != null || m.phone() != null) && m.active())
                        .ifPresent(m -> {
                            String occurrence = "purchase:" + purchaseId;
                            if (alreadyRecorded(Journey.SURVEY, m, occurrence)) {
                                return;
                            }
                            send(Journey.SURVEY, m, occurrence, () -> vars(m, "",
                                    feedback.invitationLink(m.id(), Feedback.Kind.NPS, storeOf(purchaseId), purchaseId), ""), false);
                        })));
    }

    private int winBacks(JourneySettings s, OffsetDateTime now) {
        OffsetDateTime cutoff = now.minusDays(s.days());
        // Only members who lapsed recently: switching the journey on does not mail everyone who ever left.
        String sql = """
                SELECT p.member_id AS id, MAX(p.id) AS purchase_id FROM purchases p
                WHERE p.member_id IS NOT NULL AND p.occurred_at >= :from AND p.occurred_at < :cutoff AND p.member_id > :after
                  AND NOT EXISTS (SELECT 1 FROM purchases q WHERE q.member_id = p.member_id AND q.occurred_at >= :cutoff)
                GROUP BY p.member_id ORDER BY p.member_id LIMIT :l""";
        return forEachBatchRows(sql, Map.of("from", cutoff.minusDays(14), "cutoff", cutoff), (id, purchaseId) ->
                perMember(t -> members.find(new MemberId(id)).filter(m -> (m.email() != null || m.phone() != null) && m.active())
                        .ifPresent(m -> send(Journey.WIN_BACK, m, "after:" + purchaseId, vars(m, "", publicUrl.url("/portal"), ""), false))));
    }

    private int expiring(JourneySettings s, OffsetDateTime now) {
        String sql = """
                SELECT l.member_id AS id, MIN(l.expires_at) AS first_expiry, SUM(l.remaining) AS points FROM point_lots l
                WHERE l.remaining > 0 AND l.expires_at > :now AND l.expires_at <= :horizon AND l.member_id > :after
                GROUP BY l.member_id ORDER BY l.member_id LIMIT :l""";
        int[] count = {0};
        long after = 0;
        for (int b = 0; b < BATCHES_PER_RUN_MAX; b++) {
            List<Object[]> rows = jdbc.sql(sql).param("now", now).param("horizon", now.plusDays(s.days())).param("after", after)
                    .param("l", BATCH).query((rs, i) -> new Object[] {rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getLong(3)})
                    .list();
            for (Object[] row : rows) {
                long id = (Long) row[0];
                OffsetDateTime first = (OffsetDateTime) row[1];
                long points = (Long) row[2];
                perMember(t -> members.find(new MemberId(id)).filter(m -> (m.email() != null || m.phone() != null) && m.active())
                        .ifPresent(m -> {
                            String date = first.atZoneSameInstant(zone()).toLocalDate().toString();
                            if (send(Journey.POINTS_EXPIRING, m, "expiring:" + date, vars(m, "", publicUrl.url("/portal/points"),
                                    points + " / " + date), false)) {
                                count[0]++;
                            }
                        }));
                after = id;
            }
            if (rows.size() < BATCH) {
                break;
            }
        }
        return count[0];
    }

    private int drawResults(OffsetDateTime now) {
        int count = 0;
        for (long drawId : draws.drawnSince(now.minusDays(7), 100)) {
            Draws.Draw draw = draws.get(drawId);
            Map<Long, String> prizes = new java.util.HashMap<>();
            draw.winners().forEach(w -> {
                if (w.memberId() != null) {
                    prizes.merge(w.memberId(), w.prize(), (a, b) -> a + ", " + b);
                }
            });
            long after = 0;
            for (int b = 0; b < BATCHES_PER_RUN_MAX; b++) {
                List<Long> ids = draws.participants(drawId, after, BATCH);
                for (long id : ids) {
                    boolean[] sent = {false};
                    perMember(t -> members.find(new MemberId(id)).filter(m -> (m.email() != null || m.phone() != null) && m.active())
                            .ifPresent(m -> {
                                String prize = prizes.get(id);
                                String extra = prize == null ? draw.name() : draw.name() + ": " + prize;
                                sent[0] = send(Journey.DRAW_RESULTS, m, "draw:" + drawId,
                                        vars(m, "", publicUrl.url("/draws/") + draw.code(), extra), prize != null);
                            }));
                    count += sent[0] ? 1 : 0;
                    after = id;
                }
                if (ids.size() < BATCH) {
                    break;
                }
            }
        }
        return count;
    }

    // --- the one way a journey mail is sent

    private boolean alreadyRecorded(Journey journey, Member m, String occurrence) {
        return jdbc.sql("SELECT COUNT(*) FROM journey_sends WHERE kind = :k AND member_id = :m AND occurrence = :o")
                .param("k", journey.name()).param("m", m.id().value()).param("o", occurrence).query(Long.class).single() > 0;
    }

    private long marketingThisWeek(Member m, OffsetDateTime now) {
        OffsetDateTime from = now.minusDays(7);
        long journeys = jdbc.sql("""
                SELECT COUNT(*) FROM journey_sends WHERE member_id = :m AND status = 'QUEUED' AND created_at >= :from
                  AND kind IN ('FIRST_PURCHASE', 'BIRTHDAY', 'SURVEY', 'WIN_BACK', 'TIER_UPGRADE', 'DRAW_RESULTS')""")
                .param("m", m.id().value()).param("from", from).query(Long.class).single();
        long newsletters = jdbc.sql("""
                SELECT COUNT(*) FROM newsletter_recipients WHERE member_id = :m AND holdout = FALSE AND outbox_id IS NOT NULL
                  AND created_at >= :from""")
                .param("m", m.id().value()).param("from", from).query(Long.class).single();
        return journeys + newsletters;
    }

    /**
     * Records the occurrence and, unless the member may not get it, queues its mail, in the caller's
     * transaction. Answers whether this call recorded it (false: it was recorded before).
     * {@code transactional} sends a marketing journey's mail as a service one (a draw's winner).
     */
    private boolean send(Journey journey, Member m, String occurrence, MailComposer.Variables vars, boolean transactional) {
        return send(journey, m, occurrence, () -> vars, transactional);
    }

    /** As above, with the variables worked out only once the occurrence is claimed for a mail (a coupon, a survey link). */
    private boolean send(Journey journey, Member m, String occurrence, java.util.function.Supplier<MailComposer.Variables> vars,
                         boolean transactional) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        boolean marketing = journey.marketing() && !transactional;
        // A member without e-mail is reached by SMS where they have a phone (and, for marketing, SMS consent).
        boolean bySms = m.email() == null && m.phone() != null;
        String status = m.email() == null && m.phone() == null ? "NO_EMAIL"
                : marketing && !(bySms ? m.smsConsent().granted() : m.emailConsent().granted()) ? "NO_CONSENT"
                : marketing && marketingThisWeek(m, now) >= marketingPerWeek ? "THROTTLED"
                : marketing && programmeHoldout.heldOut(m.id().value()) ? "PROGRAM_HOLDOUT"
                : marketing && heldOut(journey, m.id().value(), occurrence, settings(journey).holdoutPercent()) ? "HELD_OUT"
                : "QUEUED";
        int inserted;
        try {
            inserted = jdbc.sql("""
                    INSERT INTO journey_sends (kind, member_id, occurrence, status, created_at) VALUES (:k, :m, :o, :s, :at)
                    ON CONFLICT DO NOTHING""")
                    .param("k", journey.name()).param("m", m.id().value()).param("o", occurrence).param("s", status).param("at", now)
                    .update();
        } catch (org.springframework.dao.DuplicateKeyException e) {
            // H2 may report a concurrent instance's insert instead of skipping it: the occurrence is taken either way.
            inserted = 0;
        }
        if (inserted == 0 || !"QUEUED".equals(status)) {
            return inserted == 1;
        }
        if (bySms) {
            MailComposer.Variables v = vars.get();
            String text = smsTemplates.render(journey.mailName(), m.language(), Map.of("name", v.name(), "card", v.card(),
                    "balance", v.balance(), "tier", v.tier(), "coupon", v.coupon(), "link", v.link(), "extra", v.extra()));
            io.patron.sms.SmsChannel.Queued queued = sms.queue(marketing ? io.patron.sms.Sms.marketing(journey.mailName(), m.id(), m.phone(), text)
                    : io.patron.sms.Sms.transactional(journey.mailName(), m.id(), m.phone(), text));
            jdbc.sql("UPDATE journey_sends SET sms_id = :s, status = :st WHERE kind = :k AND member_id = :m AND occurrence = :occ")
                    .param("s", queued.id()).param("st", queued.refused() ? "THROTTLED" : "QUEUED").param("k", journey.name())
                    .param("m", m.id().value()).param("occ", occurrence).update();
            return true;
        }
        long outboxId = mailer.queue(composer.composeForMember(journey.mailName(), m.language(), m.id(), m.email(), vars.get(), marketing));
        jdbc.sql("UPDATE journey_sends SET outbox_id = :o WHERE kind = :k AND member_id = :m AND occurrence = :occ")
                .param("o", outboxId).param("k", journey.name()).param("m", m.id().value()).param("occ", occurrence).update();
        return true;
    }

    /** One member's occurrence in a transaction of its own; a failure is logged and the run goes on with the next member. */
    private void perMember(java.util.function.Consumer<org.springframework.transaction.TransactionStatus> work) {
        try {
            transactions.executeWithoutResult(work);
        } catch (RuntimeException e) {
            log.warn("A journey occurrence failed and will be tried again on the next run: {}", e.toString());
        }
    }

    /** Whether an occurrence is in the journey's hold-out group: a hash, so every instance and run agrees. */
    static boolean heldOut(Journey journey, long memberId, String occurrence, int percent) {
        if (percent <= 0) {
            return false;
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(("journey:" + journey + ":" + memberId + ":" + occurrence)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Math.floorMod(((h[0] & 0xff) << 8) | (h[1] & 0xff), 100) < percent;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** What a member's mail would say about them now, with a sample coupon and date: for the template editor's preview. */
    public MailComposer.Variables previewVariables(Member m) {
        return vars(m, "GIFT-7KQ2-ABCD", portalLink(), java.time.LocalDate.now(clock).plusMonths(3).toString());
    }

    public String portalLink() {
        return publicUrl.url("/portal");
    }

    private MailComposer.Variables vars(Member m, String coupon, String link, String extra) {
        String card = members.primaryCard(m.id()).map(c -> c.number().value()).orElse("");
        OffsetDateTime now = OffsetDateTime.now(clock);
        String balance = String.valueOf(ledger.account(m.id(), now).available());
        String tier = "";
        try {
            ProgramDefinition program = programs.active().definition();
            if (program.tiers() != null && !program.tiers().levels().isEmpty()) {
                TierStatus status = tiers.status(m.id(), program, now);
                tier = status.tier() == null ? "" : status.tier().name();
            }
        } catch (RuntimeException e) {
            log.debug("No tier for member {}: {}", m.id().value(), e.toString());
        }
        return new MailComposer.Variables(m.firstName(), card, balance, tier, coupon, link, extra);
    }

    private Long storeOf(long purchaseId) {
        return jdbc.sql("SELECT store_id FROM purchases WHERE id = :id").param("id", purchaseId).query(Long.class).optional().orElse(null);
    }

    private ZoneId zone() {
        try {
            return ZoneId.of(programs.active().definition().timeZone());
        } catch (RuntimeException e) {
            return ZoneId.of("UTC");
        }
    }

    private int forEachBatchRows(String sql, Map<String, Object> params, java.util.function.BiConsumer<Long, Long> each) {
        int count = 0;
        long after = 0;
        for (int b = 0; b < BATCHES_PER_RUN_MAX; b++) {
            List<long[]> rows = jdbc.sql(sql).params(params).param("after", after).param("l", BATCH)
                    .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
            for (long[] row : rows) {
                each.accept(row[0], row[1]);
                count++;
                after = row[0];
            }
            if (rows.size() < BATCH) {
                break;
            }
        }
        return count;
    }

}
