package io.patron.partners;

import io.patron.common.Caller;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.ledger.Ledger;
import io.patron.ledger.PointsAccount;
import io.patron.members.CardNumber;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.MemberStatus;
import io.patron.members.Members;
import io.patron.members.MembersMerged;
import io.patron.partners.internal.PartnerRepository;
import io.patron.program.Programs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a partner does through the partner API: identify a member (seeing only a masked name, whether
 * the card is valid and, where points can be spent, the available points), record a receipt on which
 * the member earns and may pay with points, and take goods back. Receipts and returns are idempotent
 * on the partner's ids and run under the member's ledger lock, with the same invariants as a till's.
 */
@Service
public class PartnerSales {

    private static final Pattern ID = Pattern.compile("[\\p{Alnum}._:/#-]{1,64}");
    private static final BigDecimal AMOUNT_MAX = new BigDecimal("10000000");
    private static final long POINTS_MAX = 100_000_000L;

    private final PartnerRepository repository;
    private final Partners partners;
    private final Members members;
    private final Ledger ledger;
    private final Programs programs;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final int offlineDays;

    PartnerSales(PartnerRepository repository, Partners partners, Members members, Ledger ledger, Programs programs,
                 TransactionTemplate transactions, JsonMapper json, Clock clock,
                 @Value("${patron.checkout.offline-days:30}") int offlineDays) {
        this.repository = repository;
        this.partners = partners;
        this.members = members;
        this.ledger = ledger;
        this.programs = programs;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.offlineDays = offlineDays;
    }

    /** A member as a partner presents them: by card number or phone. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "PartnerMemberRef")
    public record MemberRef(String cardNumber, String phone) {
    }

    /** What a partner learns when identifying a member; points only where the partner accepts them as payment. */
    public record Identification(boolean cardValid, String maskedName, Long pointsAvailable) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "PartnerReceiptRequest")
    public record ReceiptRequest(String receiptId, MemberRef member, BigDecimal amount, Long pointsToBurn, OffsetDateTime occurredAt) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "PartnerReceiptAnswer")
    public record ReceiptAnswer(String receiptId, OffsetDateTime occurredAt, BigDecimal amount, long pointsBurned, BigDecimal burnValue,
                                BigDecimal amountToPay, long pointsEarned, String maskedName, Long pointsAvailable) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "PartnerReturnRequest")
    public record ReturnRequest(String returnId, String receiptId, BigDecimal amount, OffsetDateTime occurredAt) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "PartnerReturnAnswer")
    public record ReturnAnswer(String returnId, String receiptId, BigDecimal amount, long pointsReversed, long pointsForgiven,
                               long pointsRefunded, BigDecimal refundValue, BigDecimal returnedTotal) {
    }

    /** A JSON answer and whether it is the stored answer of an earlier identical request. */
    public record Answer(String json, boolean replayed) {
    }

    public Identification identify(Caller.Partner caller, MemberRef ref) {
        Partner partner = partners.get(caller.partnerId());
        Member member = find(ref);
        boolean valid = member.active();
        Long points = valid && partner.burnAccepted()
                ? ledger.account(member.id(), OffsetDateTime.now(clock)).available() : null;
        return new Identification(valid, masked(member), points);
    }

    public Answer recordReceipt(Caller.Partner caller, ReceiptRequest request) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Partner partner = partners.get(caller.partnerId());
        checkReceipt(request, now);
        String hash = Secrets.sha256(json.writeValueAsString(request));
        Optional<PartnerReceipt> earlier = repository.findReceipt(partner.id(), request.receiptId());
        if (earlier.isPresent()) {
            return replay(earlier.get().requestHash(), earlier.get().response(), hash, "receiptId");
        }
        try {
            return transactions.execute(status -> record(partner, request, hash, now));
        } catch (DataIntegrityViolationException e) {
            if (!String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("uq_partner_receipts")) {
                throw e;
            }
            return repository.findReceipt(partner.id(), request.receiptId())
                    .map(r -> replay(r.requestHash(), r.response(), hash, "receiptId"))
                    .orElseThrow(() -> ProblemException.conflict("REQUEST_IN_PROGRESS",
                            "This receipt is being recorded by another request; retry in a moment.", null));
        }
    }

    private void checkReceipt(ReceiptRequest r, OffsetDateTime now) {
        Validation v = new Validation();
        if (r.receiptId() == null || !ID.matcher(r.receiptId()).matches()) {
            v.reject("receiptId", "1 to 64 letters, digits or ._:/#-");
        }
        if (r.member() == null || (blank(r.member().cardNumber()) && blank(r.member().phone()))) {
            v.reject("member", "a card number or a phone");
        }
        if (r.amount() == null || r.amount().signum() <= 0 || r.amount().compareTo(AMOUNT_MAX) > 0 || r.amount().scale() > 2) {
            v.reject("amount", "above 0, at most " + AMOUNT_MAX.toPlainString() + ", at most 2 decimals");
        }
        if (r.pointsToBurn() != null && (r.pointsToBurn() < 0 || r.pointsToBurn() > POINTS_MAX)) {
            v.reject("pointsToBurn", "from 0 to " + POINTS_MAX);
        }
        checkTime(r.occurredAt(), now, v);
        v.throwIfInvalid();
    }

    private void checkTime(OffsetDateTime at, OffsetDateTime now, Validation v) {
        if (at != null && (at.isAfter(now.plusMinutes(5)) || at.isBefore(now.minusDays(offlineDays)))) {
            v.reject("occurredAt", "not in the future and at most " + offlineDays + " days ago");
        }
    }

    private Answer record(Partner partner, ReceiptRequest request, String hash, OffsetDateTime now) {
        Member member = find(request.member());
        if (member.status() == MemberStatus.BLOCKED) {
            throw ProblemException.unprocessable("MEMBER_BLOCKED", "This member is blocked: no points are earned or spent.");
        }
        if (!member.active()) {
            throw ProblemException.notFound("MEMBER_NOT_FOUND", "No member with this card or phone.");
        }
        PointsAccount account = ledger.lock(member.id(), now);
        // The member may have been merged away while this receipt waited for their lock (the merge holds
        // it): then the card or phone belongs to the survivor, whose lock is taken instead.
        for (int attempt = 0; attempt < 3; attempt++) {
            Member again = find(request.member());
            if (again.id().equals(member.id())) {
                break;
            }
            member = again;
            if (!member.active()) {
                throw ProblemException.notFound("MEMBER_NOT_FOUND", "No member with this card or phone.");
            }
            account = ledger.lock(member.id(), now);
        }
        // A retry that waited behind its own first attempt for the member's lock replays that attempt.
        Optional<PartnerReceipt> first = repository.findReceipt(partner.id(), request.receiptId());
        if (first.isPresent()) {
            return replay(first.get().requestHash(), first.get().response(), hash, "receiptId");
        }
        long burn = request.pointsToBurn() == null ? 0 : request.pointsToBurn();
        BigDecimal burnValue = BigDecimal.valueOf(burn).multiply(partner.redeemPrice()).setScale(2, RoundingMode.HALF_UP);
        if (burn > 0) {
            if (!partner.burnAccepted()) {
                throw ProblemException.unprocessable("BURN_NOT_ACCEPTED", "Points cannot be spent at this partner.", "pointsToBurn");
            }
            if (burn > account.available()) {
                throw ProblemException.unprocessable("INSUFFICIENT_POINTS",
                        "The member has " + account.available() + " points available.", "pointsToBurn");
            }
            if (burnValue.compareTo(request.amount()) > 0) {
                throw ProblemException.unprocessable("BURN_EXCEEDS_RECEIPT",
                        "Points worth " + burnValue.toPlainString() + " exceed the receipt's " + request.amount().toPlainString() + ".",
                        "pointsToBurn");
            }
        }
        BigDecimal paid = request.amount().subtract(burnValue);
        long earned = paid.multiply(partner.earnRate()).setScale(0, RoundingMode.DOWN).longValueExact();
        OffsetDateTime occurredAt = request.occurredAt() == null ? now : request.occurredAt();
        var earning = programs.active().definition().earning();
        long id = repository.nextReceiptId();
        String card = request.member().cardNumber() != null && !request.member().cardNumber().isBlank()
                ? request.member().cardNumber().trim()
                : members.primaryCard(member.id()).map(c -> c.number().value()).orElse(null);
        if (burn > 0) {
            ledger.redeemAtPartner(member.id(), burn, id, accounts(partner), partner.name(), now);
        }
        if (earned > 0) {
            ledger.earnAtPartner(member.id(), earned, id, accounts(partner), partner.name(),
                    (occurredAt.isAfter(now) ? occurredAt : now).plusDays(earning.pendingDays()), occurredAt.plusMonths(earning.expiryMonths()), now);
        }
        Long available = partner.burnAccepted() ? ledger.account(member.id(), now).available() : null;
        ReceiptAnswer answer = new ReceiptAnswer(request.receiptId(), occurredAt, request.amount(), burn, burnValue, paid, earned,
                masked(member), available);
        String body = json.writeValueAsString(answer);
        repository.insertReceipt(new PartnerReceipt(id, partner.id(), request.receiptId(), member.id().value(), card, occurredAt, now,
                request.amount(), burnValue, earned, burn, BigDecimal.ZERO, hash, body));
        return new Answer(body, false);
    }

    public Answer recordReturn(Caller.Partner caller, ReturnRequest request) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Partner partner = partners.get(caller.partnerId());
        Validation v = new Validation();
        if (request.returnId() == null || !ID.matcher(request.returnId()).matches()) {
            v.reject("returnId", "1 to 64 letters, digits or ._:/#-");
        }
        if (request.receiptId() == null || !ID.matcher(request.receiptId()).matches()) {
            v.reject("receiptId", "1 to 64 letters, digits or ._:/#-");
        }
        if (request.amount() == null || request.amount().signum() <= 0 || request.amount().compareTo(AMOUNT_MAX) > 0
                || request.amount().scale() > 2) {
            v.reject("amount", "above 0, at most " + AMOUNT_MAX.toPlainString() + ", at most 2 decimals");
        }
        checkTime(request.occurredAt(), now, v);
        v.throwIfInvalid();
        String hash = Secrets.sha256(json.writeValueAsString(request));
        Optional<PartnerRepository.StoredReturn> earlier = repository.findReturn(partner.id(), request.returnId());
        if (earlier.isPresent()) {
            return replay(earlier.get().requestHash(), earlier.get().response(), hash, "returnId");
        }
        PartnerReceipt receipt = repository.findReceipt(partner.id(), request.receiptId())
                .orElseThrow(() -> ProblemException.notFound("RECEIPT_NOT_FOUND", "No receipt " + request.receiptId() + " of this partner."));
        try {
            return transactions.execute(status -> recordReturn(partner, receipt, request, hash, now));
        } catch (DataIntegrityViolationException e) {
            if (!String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("uq_partner_returns")) {
                throw e;
            }
            return repository.findReturn(partner.id(), request.returnId())
                    .map(r -> replay(r.requestHash(), r.response(), hash, "returnId"))
                    .orElseThrow(() -> ProblemException.conflict("REQUEST_IN_PROGRESS",
                            "This return is being recorded by another request; retry in a moment.", null));
        }
    }

    private Answer recordReturn(Partner partner, PartnerReceipt unlocked, ReturnRequest request, String hash, OffsetDateTime now) {
        Member member = current(new MemberId(unlocked.memberId()));
        ledger.lock(member.id(), now);
        PartnerReceipt receipt = repository.lockReceipt(unlocked.id());
        Optional<PartnerRepository.StoredReturn> raced = repository.findReturn(partner.id(), request.returnId());
        if (raced.isPresent()) {
            return replay(raced.get().requestHash(), raced.get().response(), hash, "returnId");
        }
        BigDecimal returnedAfter = receipt.returnedAmount().add(request.amount());
        if (returnedAfter.compareTo(receipt.amount()) > 0) {
            throw ProblemException.unprocessable("RETURN_EXCEEDS_RECEIPT", "The receipt was for " + receipt.amount().toPlainString()
                    + "; " + receipt.returnedAmount().toPlainString() + " has come back already.", "amount");
        }
        // Running totals, so that partial returns add up to exactly the receipt once everything is back.
        long reverseDue = share(receipt.pointsEarned(), returnedAfter, receipt.amount())
                - share(receipt.pointsEarned(), receipt.returnedAmount(), receipt.amount());
        long refundDue = share(receipt.pointsBurned(), returnedAfter, receipt.amount())
                - share(receipt.pointsBurned(), receipt.returnedAmount(), receipt.amount());
        List<PartnerRepository.StoredReturn> before = repository.returnsOf(receipt.id());
        long forgivenBefore = before.stream().mapToLong(PartnerRepository.StoredReturn::pointsForgiven).sum();
        long returnPk = repository.nextReturnId();
        Ledger.Reversal reversal = ledger.reverseAtPartner(member.id(), reverseDue, receipt.id(), returnPk, forgivenBefore,
                accounts(partner), partner.name(), now);
        ledger.refundAtPartner(member.id(), refundDue, receipt.id(), returnPk, accounts(partner), partner.name(), now);
        // What the points given back are worth: their share of what the burn took off the receipt, at its price then.
        BigDecimal refundValue = receipt.pointsBurned() == 0 ? BigDecimal.ZERO.setScale(2)
                : receipt.burnValue().multiply(BigDecimal.valueOf(refundDue)).divide(BigDecimal.valueOf(receipt.pointsBurned()), 2,
                RoundingMode.HALF_UP);
        ReturnAnswer answer = new ReturnAnswer(request.returnId(), receipt.receiptId(), request.amount(), reversal.reversed(),
                reversal.forgiven(), refundDue, refundValue, returnedAfter);
        String body = json.writeValueAsString(answer);
        repository.setReturned(receipt.id(), returnedAfter);
        repository.insertReturn(returnPk, partner.id(), request.returnId(), receipt.id(), request.amount(), reversal.reversed(),
                reversal.forgiven(), refundDue, request.occurredAt() == null ? now : request.occurredAt(), now, hash, body);
        return new Answer(body, false);
    }

    private static long share(long points, BigDecimal part, BigDecimal whole) {
        if (points == 0 || part.signum() == 0) {
            return 0;
        }
        if (part.compareTo(whole) >= 0) {
            return points;
        }
        return BigDecimal.valueOf(points).multiply(part).divide(whole, 0, RoundingMode.DOWN).longValueExact();
    }

    public Optional<PartnerReceipt> receipt(Caller.Partner caller, String receiptId) {
        return repository.findReceipt(caller.partnerId(), receiptId);
    }

    public Page<PartnerReceipt> receipts(long partnerId, PageRequest page) {
        return repository.receipts(partnerId, page);
    }

    /** A merged duplicate's partner receipts belong to the survivor, so that their returns take points from the survivor. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void on(MembersMerged merged) {
        repository.moveMember(merged.merged().value(), merged.survivor().value());
    }

    private static Answer replay(String storedHash, String response, String hash, String field) {
        if (!storedHash.equals(hash)) {
            boolean isReturn = "returnId".equals(field);
            throw ProblemException.conflict(isReturn ? "RETURN_ALREADY_RECORDED" : "RECEIPT_ALREADY_RECORDED",
                    "This " + (isReturn ? "return" : "receipt") + " id was recorded with a different content.", field);
        }
        return new Answer(response, true);
    }

    private Ledger.PartnerAccounts accounts(Partner partner) {
        return new Ledger.PartnerAccounts(partner.issuedAccountId(), partner.redeemedAccountId());
    }

    private Member find(MemberRef ref) {
        if (ref == null || (blank(ref.cardNumber()) && blank(ref.phone()))) {
            throw ProblemException.invalid("member", "a card number or a phone");
        }
        Member member;
        if (!blank(ref.cardNumber())) {
            String number = ref.cardNumber().trim();
            if (number.length() > 32 || !CardNumber.isValid(number)) {
                throw ProblemException.invalid("member.cardNumber", "is not a valid EAN-13 card number");
            }
            var found = members.cardWithMember(number).orElseThrow(PartnerSales::notFound);
            if (!found.getKey().active()) {
                throw ProblemException.unprocessable("CARD_BLOCKED", "This card is blocked.");
            }
            member = found.getValue();
        } else {
            if (ref.phone().length() > 32) {
                throw ProblemException.invalid("member.phone", "at most 32 characters");
            }
            member = members.findByPhone(ref.phone()).orElseThrow(PartnerSales::notFound);
        }
        if (member.status() != MemberStatus.ACTIVE && member.status() != MemberStatus.BLOCKED) {
            throw notFound();
        }
        return member;
    }

    private Member current(MemberId id) {
        return members.current(id);
    }

    private static ProblemException notFound() {
        return ProblemException.notFound("MEMBER_NOT_FOUND", "No member with this card or phone.");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** "Anna Petrova" → "An** P.": enough for a cashier to greet, not enough to learn who it is. */
    static String masked(Member member) {
        String first = member.firstName() == null ? "" : member.firstName().trim();
        String last = member.lastName() == null ? "" : member.lastName().trim();
        String head = first.isEmpty() ? "" : first.substring(0, Math.min(2, first.length())) + "**";
        String tail = last.isEmpty() ? "" : last.substring(0, 1) + ".";
        return (head + " " + tail).trim();
    }

}
