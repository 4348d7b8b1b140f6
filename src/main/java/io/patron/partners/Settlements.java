package io.patron.partners;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.coupons.Coupons;
import io.patron.partners.internal.PartnerRepository;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Settlement statements: at the end of each of a partner's periods a statement is drafted from what
 * was recorded in the period (points issued at the partner, points redeemed there, its co-brand
 * coupons), reviewed by a person, then closed. Until it is closed a statement is worked out again on
 * every step, so it always shows the records; once closed it never changes, and anything recorded
 * later about the period's receipts lands in a later statement as a correction naming this one.
 */
@Service
public class Settlements {

    private static final Logger log = LoggerFactory.getLogger(Settlements.class);
    private static final int PERIODS_PER_RUN_MAX = 36;

    private final PartnerRepository repository;
    private final Partners partners;
    private final Coupons coupons;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final ZoneId zone;

    Settlements(PartnerRepository repository, Partners partners, Coupons coupons, AuditLog audit, TransactionTemplate transactions,
                JsonMapper json, Clock clock, @Value("${patron.partners.settlement-zone:UTC}") String zone) {
        this.repository = repository;
        this.partners = partners;
        this.coupons = coupons;
        this.audit = audit;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.zone = ZoneId.of(zone);
    }

    /** Drafts the statements of periods that have ended; several instances may run it (one draft per period wins). */
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "partners-draft-statements", lockAtMostFor = "PT30M")
    @Scheduled(fixedDelayString = "${patron.partners.settlement-check-millis:600000}",
            initialDelayString = "${patron.partners.initial-delay-millis:60000}")
    public void draftDueScheduled() {
        int drafted = draftDue();
        if (drafted > 0) {
            log.info("Drafted {} partner settlement statement(s)", drafted);
        }
    }

    /** Drafts every ended period of every active partner that has no statement yet; answers how many it drafted. */
    public int draftDue() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        int drafted = 0;
        // Suspended partners too: their activity before the suspension is owed all the same.
        for (Partner partner : repository.list(10_000)) {
            OffsetDateTime from = repository.lastPeriodEnd(partner.id()).orElse(periodStart(partner.period(), partner.createdAt()));
            for (int i = 0; i < PERIODS_PER_RUN_MAX; i++) {
                OffsetDateTime to = periodEnd(partner.period(), from);
                if (to.isAfter(now)) {
                    break;
                }
                OffsetDateTime start = from;
                try {
                    transactions.executeWithoutResult(s -> draft(partner, start, to, now));
                    drafted++;
                } catch (DuplicateKeyException e) {
                    // Another instance drafted it first.
                }
                from = to;
            }
        }
        return drafted;
    }

    private void draft(Partner partner, OffsetDateTime from, OffsetDateTime to, OffsetDateTime now) {
        Statement.Figures figures = figures(partner, from, to);
        long id = repository.insertStatement(partner.id(), number(partner, from), from, to, figures,
                corrections(partner.id(), from, to), now);
        audit.record("STATEMENT_DRAFTED", "statement", id, null, figures);
    }

    /** The statement's number: the partner's code and the period ("ACME-2026-11", "ACME-2026-Q4"). */
    String number(Partner partner, OffsetDateTime from) {
        ZonedDateTime start = from.atZoneSameInstant(zone);
        return partner.code() + "-" + switch (partner.period()) {
            case MONTHLY -> start.format(DateTimeFormatter.ofPattern("yyyy-MM"));
            case QUARTERLY -> start.getYear() + "-Q" + ((start.getMonthValue() - 1) / 3 + 1);
        };
    }

    OffsetDateTime periodStart(Partner.Period period, OffsetDateTime at) {
        LocalDate day = at.atZoneSameInstant(zone).toLocalDate().withDayOfMonth(1);
        if (period == Partner.Period.QUARTERLY) {
            day = day.withMonth((day.getMonthValue() - 1) / 3 * 3 + 1);
        }
        return day.atStartOfDay(zone).toOffsetDateTime();
    }

    OffsetDateTime periodEnd(Partner.Period period, OffsetDateTime start) {
        ZonedDateTime z = start.atZoneSameInstant(zone);
        return (period == Partner.Period.QUARTERLY ? z.plusMonths(3) : z.plusMonths(1)).toOffsetDateTime();
    }

    /** Works out a period's figures from the records, at the partner's prices when the statement is drafted. */
    Statement.Figures figures(Partner partner, OffsetDateTime from, OffsetDateTime to) {
        return figures(partner, from, to, partner.issuePrice(), partner.redeemPrice(), partner.cobrandShare(), partner.currency());
    }

    /** The same at given prices: a statement worked out again keeps the prices it was drafted with. */
    private Statement.Figures figures(Partner partner, OffsetDateTime from, OffsetDateTime to, BigDecimal issuePrice,
                                      BigDecimal redeemPrice, BigDecimal cobrandShare, String currency) {
        PartnerRepository.Activity a = repository.activity(partner.id(), from, to);
        Coupons.PartnerFigures c = coupons.partnerFigures(partner.code(), from, to);
        BigDecimal owedBy = money(BigDecimal.valueOf(a.earned() - a.reversed() + c.points()).multiply(issuePrice))
                .add(money(c.discount().multiply(cobrandShare).movePointLeft(2)));
        BigDecimal owedTo = money(BigDecimal.valueOf(a.burned() - a.refunded()).multiply(redeemPrice));
        return new Statement.Figures(a.receipts(), a.earned(), a.reversed(), a.burned(), a.refunded(), c.uses(), c.points(),
                c.discount().setScale(2, RoundingMode.HALF_UP), issuePrice, redeemPrice, cobrandShare, owedBy, owedTo,
                owedBy.subtract(owedTo), currency);
    }

    private Statement.Figures again(Statement s) {
        Statement.Figures f = s.figures();
        return figures(partners.get(s.partnerId()), s.periodFrom(), s.periodTo(), f.issuePrice(), f.redeemPrice(), f.cobrandShare(),
                f.currency());
    }

    private static BigDecimal money(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP);
    }

    private String corrections(long partnerId, OffsetDateTime from, OffsetDateTime to) {
        return json.writeValueAsString(repository.corrections(partnerId, from, to));
    }

    /** Works a draft out again (prices changed, say); a closed statement cannot be. */
    @Transactional
    public Statement refresh(long id) {
        Statement s = get(id);
        requireOpen(s);
        Statement.Figures f = again(s);
        Statement.Status status = f.sameAs(s.figures()) ? s.status() : Statement.Status.DRAFT;
        if (!repository.refigure(id, f, corrections(s.partnerId(), s.periodFrom(), s.periodTo()), status)) {
            throw closed(s);
        }
        return get(id);
    }

    /** A person checked the draft's figures (worked out again now) and marks it reviewed. */
    @Transactional
    public Statement review(long id, String note) {
        if (note != null && note.length() > 1000) {
            throw ProblemException.invalid("note", "at most 1000 characters");
        }
        Statement s = refresh(id);
        if (s.status() != Statement.Status.DRAFT || !repository.markReviewed(id, Callers.actorName(), note, OffsetDateTime.now(clock))) {
            throw ProblemException.conflict("STATEMENT_NOT_DRAFT", "Statement " + s.number() + " is " + s.status() + ", not a draft.", null);
        }
        audit.record("STATEMENT_REVIEWED", "statement", id, null, note == null ? "" : note);
        return get(id);
    }

    /**
     * Closes a reviewed statement for good. Its figures are worked out once more; if they differ from
     * what was reviewed, it goes back to draft for another review instead.
     */
    @Transactional(noRollbackFor = ProblemException.class)
    public Statement close(long id) {
        Statement s = get(id);
        requireOpen(s);
        if (s.status() != Statement.Status.REVIEWED) {
            throw ProblemException.conflict("STATEMENT_NOT_REVIEWED", "Statement " + s.number() + " must be reviewed before it is closed.", null);
        }
        Statement.Figures now = again(s);
        if (!now.sameAs(s.figures())) {
            repository.refigure(id, now, corrections(s.partnerId(), s.periodFrom(), s.periodTo()), Statement.Status.DRAFT);
            throw ProblemException.conflict("STATEMENT_CHANGED",
                    "The figures of " + s.number() + " changed since the review; it is a draft again.", null);
        }
        if (!repository.markClosed(id, Callers.actorName(), OffsetDateTime.now(clock))) {
            throw closed(s);
        }
        audit.record("STATEMENT_CLOSED", "statement", id, null, s.figures());
        return get(id);
    }

    private static void requireOpen(Statement s) {
        if (s.closed()) {
            throw closed(s);
        }
    }

    private static ProblemException closed(Statement s) {
        return ProblemException.conflict("STATEMENT_CLOSED", "Statement " + s.number() + " is closed and never changes.", null);
    }

    public Statement get(long id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("STATEMENT_NOT_FOUND", "No statement " + id + "."));
    }

    public Optional<Statement> find(long id) {
        return repository.statement(id).map(this::statement);
    }

    /** The statement of a partner's period starting at {@code from}, if drafted. */
    public Optional<Statement> find(long partnerId, OffsetDateTime from) {
        return repository.statement(partnerId, from).map(this::statement);
    }

    public Page<Statement> list(Long partnerId, PageRequest page) {
        return repository.statements(partnerId, page).map(this::statement);
    }

    private Statement statement(PartnerRepository.StatementRow r) {
        List<Statement.Correction> corrections = json.readValue(r.corrections(), new TypeReference<List<Statement.Correction>>() { });
        return new Statement(r.id(), r.partnerId(), r.partnerCode(), r.partnerName(), r.number(), r.from(), r.to(), r.status(),
                r.figures(), corrections, r.draftedAt(), r.reviewedAt(), r.reviewedBy(), r.reviewNote(), r.closedAt(), r.closedBy());
    }

    /** The statement as CSV: one "item,value" line per figure, then the corrections. */
    public String csv(Statement s) {
        Statement.Figures f = s.figures();
        StringBuilder out = new StringBuilder("item,value\n");
        line(out, "statement", s.number());
        line(out, "partner", s.partnerCode());
        line(out, "period_from", s.periodFrom().toString());
        line(out, "period_to", s.periodTo().toString());
        line(out, "status", s.status().name());
        line(out, "receipts", f.receipts());
        line(out, "points_issued", f.pointsIssued());
        line(out, "points_reversed_by_returns", f.pointsReversed());
        line(out, "points_issued_net", f.pointsIssuedNet());
        line(out, "points_redeemed", f.pointsRedeemed());
        line(out, "points_refunded_by_returns", f.pointsRefunded());
        line(out, "points_redeemed_net", f.pointsRedeemedNet());
        line(out, "cobrand_coupon_uses", f.couponUses());
        line(out, "cobrand_coupon_points", f.couponPoints());
        line(out, "cobrand_coupon_discount", f.couponDiscount().toPlainString());
        line(out, "issue_price_per_point", f.issuePrice().toPlainString());
        line(out, "redeem_price_per_point", f.redeemPrice().toPlainString());
        line(out, "cobrand_share_percent", f.cobrandShare().toPlainString());
        line(out, "owed_by_partner", f.owedByPartner().toPlainString());
        line(out, "owed_to_partner", f.owedToPartner().toPlainString());
        line(out, "net_payable_by_partner", f.net().toPlainString());
        line(out, "currency", f.currency());
        for (Statement.Correction c : s.corrections()) {
            line(out, "correction", "return " + c.returnId() + " of receipt " + c.receiptId() + " (statement "
                    + (c.statementNumber() == null ? "none" : c.statementNumber()) + "): points reversed " + c.pointsReversed()
                    + ", refunded " + c.pointsRefunded());
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String item, Object value) {
        out.append(item).append(',').append(csvField(String.valueOf(value))).append('\n');
    }

    private static String csvField(String v) {
        String safe = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("-?[0-9.]+") ? "'" + v : v;
        return safe.contains(",") || safe.contains("\"") || safe.contains("\n") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
