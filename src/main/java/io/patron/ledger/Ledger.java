package io.patron.ledger;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.ledger.internal.LedgerRepository;
import io.patron.members.MemberId;
import io.patron.members.MembersMerged;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The points ledger: append-only, double-entry transfers between member accounts and the programme's
 * accounts (issued, redeemed, expired, adjusted, reversed), with earned points kept as lots that
 * mature and expire. The sum of all transfers is zero by construction (each moves an amount from one
 * account to another), a member's cached balance is the sum of its transfers, and it equals the sum
 * of its open lots.
 *
 * <p>Every change to a member's points happens inside the caller's transaction, after
 * {@link #lock(MemberId, OffsetDateTime)}: the row lock on the member's account serialises that member's
 * operations (no lost update, no double spend) while different members never wait for each other.
 */
@Service
public class Ledger {

    /** A debt never expires. */
    static final OffsetDateTime NEVER = OffsetDateTime.parse("9999-12-31T00:00:00Z");
    public static final int EXPIRING_WINDOW_DAYS = 90;

    private final LedgerRepository repository;
    private final java.time.Clock clock;

    private final io.patron.events.Events events;

    public static final String POINTS_EXPIRED = "points.expired";
    public static final String POINTS_ADJUSTED = "points.adjusted";

    Ledger(LedgerRepository repository, java.time.Clock clock, io.patron.events.Events events) {
        this.repository = repository;
        this.clock = clock;
        this.events = events;
    }

    /** Locks the member's account until the transaction ends and returns their points at {@code now}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public PointsAccount lock(MemberId member, OffsetDateTime now) {
        return figures(member, repository.lockAccount(member.value(), now), now, true);
    }

    /**
     * The member's points at {@code now}. Derived from the open lots (expired lots never count as
     * available), through the figures the account row keeps while they hold: a sale reads one row
     * whatever the member's history. Only a locked read stores figures it had to work out again, so a
     * reader can never put back figures older than a sale's.
     */
    public PointsAccount account(MemberId member, OffsetDateTime now) {
        return figures(member, repository.accountRow(member.value()).orElse(LedgerRepository.AccountRow.EMPTY), now, false);
    }

    private PointsAccount figures(MemberId member, LedgerRepository.AccountRow row, OffsetDateTime now, boolean locked) {
        OffsetDateTime horizon = now.plusDays(EXPIRING_WINDOW_DAYS);
        if (row.validAt(now)) {
            List<Lot> expiring = row.expiryFrom() == null || row.expiryFrom().isAfter(horizon) ? List.of()
                    : repository.expiringLots(member.value(), now, horizon);
            return new PointsAccount(row.balance(), row.available(), row.pending(), expiring(expiring, now, horizon));
        }
        long available = 0;
        long pending = 0;
        long total = 0;
        OffsetDateTime until = NEVER;
        OffsetDateTime expiryFrom = null;
        List<Lot> lots = repository.openLots(member.value());
        for (Lot lot : lots) {
            total += lot.remaining();
            if (lot.availableAt(now)) {
                available += lot.remaining();
            } else if (lot.pendingAt(now)) {
                pending += lot.remaining();
            }
            if (lot.availableFrom().isAfter(now) && lot.availableFrom().isBefore(until)) {
                until = lot.availableFrom();
            }
            if (lot.expiresAt().isAfter(now) && lot.expiresAt().isBefore(until)) {
                until = lot.expiresAt();
            }
            if (lot.remaining() > 0 && lot.expiresAt().isAfter(now) && (expiryFrom == null || lot.expiresAt().isBefore(expiryFrom))) {
                expiryFrom = lot.expiresAt();
            }
        }
        if (locked) {
            repository.storeFigures(member.value(), available, pending, now, until, expiryFrom);
        }
        return new PointsAccount(total, available, pending, expiring(lots, now, horizon));
    }

    private static List<PointsAccount.Expiring> expiring(List<Lot> lots, OffsetDateTime now, OffsetDateTime horizon) {
        Map<LocalDate, Long> expiring = new TreeMap<>();
        for (Lot lot : lots) {
            if (lot.remaining() > 0 && lot.expiresAt().isAfter(now) && !lot.expiresAt().isAfter(horizon)) {
                expiring.merge(lot.expiresAt().toLocalDate(), lot.remaining(), Long::sum);
            }
        }
        List<PointsAccount.Expiring> soon = new ArrayList<>();
        expiring.forEach((date, points) -> soon.add(new PointsAccount.Expiring(points, date)));
        return soon;
    }

    /** Credits earned points as a lot that matures at {@code availableFrom} and expires at {@code expiresAt}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void earn(MemberId member, long points, long purchaseId, OffsetDateTime availableFrom, OffsetDateTime expiresAt,
                     OffsetDateTime now) {
        credit(member, points, TransferCode.EARN_PURCHASE, purchaseId, availableFrom, expiresAt, now);
    }

    /**
     * Credits a referrer's bonus for a newcomer's purchase as a lot of its own, tied to that purchase,
     * so that {@link #reverseEarning} can take it back from the same lot when the purchase comes back.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void earnReferral(MemberId referrer, long points, long purchaseId, OffsetDateTime availableFrom,
                             OffsetDateTime expiresAt, OffsetDateTime now) {
        credit(referrer, points, TransferCode.REFERRAL_BONUS, purchaseId, availableFrom, expiresAt, now);
    }

    private void credit(MemberId member, long points, TransferCode code, long purchaseId, OffsetDateTime availableFrom,
                        OffsetDateTime expiresAt, OffsetDateTime now) {
        requirePositive(points);
        long transfer = repository.transfer(null, ProgramAccount.ISSUED, member.value(), null, points,
                code, purchaseId, null, null, null, now);
        long lot = repository.insertLot(member.value(), transfer, purchaseId, points, availableFrom, expiresAt, now);
        if (settleDebts(member, lot, points, transfer, now)) {
            repository.addToBalance(member.value(), points);
        } else {
            // The common case, a plain earn: the figures take the new lot in without reading the others.
            repository.addEarned(member.value(), points, availableFrom, expiresAt, now);
        }
    }

    /**
     * New points first pay off what a return left owing: the debt lots are reduced and the new lot
     * holds only the rest. Otherwise points could expire while the debt stayed, and the member would
     * lose them twice.
     */
    private boolean settleDebts(MemberId member, long lotId, long points, long transfer, OffsetDateTime now) {
        long left = points;
        boolean settled = false;
        for (Lot debt : repository.debts(member.value(), NEVER)) {
            if (left == 0) {
                break;
            }
            long settle = Math.min(left, -debt.remaining());
            repository.moveLot(debt.id(), transfer, settle, "SETTLE", now);
            repository.moveLot(lotId, transfer, -settle, "SETTLE", now);
            left -= settle;
            settled = true;
        }
        return settled;
    }

    /**
     * Spends available points, the soonest-expiring lots first. The caller has checked, under the
     * lock, that {@code points} does not exceed what is available.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void redeem(MemberId member, long points, long purchaseId, OffsetDateTime now) {
        requirePositive(points);
        long transfer = repository.transfer(member.value(), null, null, ProgramAccount.REDEEMED, points,
                TransferCode.REDEEM, purchaseId, null, null, null, now);
        long left = consume(member, points, transfer, now, false, "REDEEM");
        if (left > 0) {
            throw new IllegalStateException("redeemed " + points + " points with only " + (points - left) + " available");
        }
        repository.addSpent(member.value(), points, now);
    }

    /**
     * Takes back {@code points} earned on a purchase because goods came back: from the purchase's own
     * lot first; what that lot lost to expiry is not taken twice (it is forgiven); the rest from
     * pending lots, then available ones, and what is still missing becomes a debt, the one way a
     * balance can go below zero.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Reversal reverseEarning(MemberId member, long points, long purchaseId, long returnPk, long forgivenBefore,
                                   OffsetDateTime now) {
        return reverse(member, points, purchaseId, returnPk, forgivenBefore, ProgramAccount.REVERSED.id(),
                TransferCode.REVERSE_RETURN, null, now);
    }

    private Reversal reverse(MemberId member, long points, long purchaseId, long returnPk, long forgivenBefore, long account,
                             TransferCode code, String reason, OffsetDateTime now) {
        if (points <= 0) {
            return new Reversal(0, 0);
        }
        var own = repository.purchaseLot(purchaseId, member.value());
        long fromOwn = own.map(l -> Math.min(points, Math.max(0, l.remaining()))).orElse(0L);
        long left = points - fromOwn;
        long forgivable = own.map(l -> Math.max(0, repository.expiredFrom(l.id()) - forgivenBefore)).orElse(0L);
        long forgiven = Math.min(left, forgivable);
        long reversed = points - forgiven;
        if (reversed == 0) {
            return new Reversal(0, forgiven);
        }
        long transfer = repository.transferBetween(member.value(), null, null, account, reversed,
                code, purchaseId, returnPk, null, null, reason, now);
        if (fromOwn > 0) {
            repository.moveLot(own.get().id(), transfer, -fromOwn, "REVERSE", now);
        }
        long missing = consume(member, reversed - fromOwn, transfer, now, true, "REVERSE");
        if (missing > 0) {
            repository.insertLot(member.value(), transfer, null, -missing, now, NEVER, now);
        }
        repository.addToBalance(member.value(), -reversed);
        return new Reversal(reversed, forgiven);
    }

    /** Gives back points a purchase redeemed, into the lots they came from (latest-expiring first). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void refundRedemption(MemberId member, long points, long purchaseId, long returnPk, OffsetDateTime now) {
        refund(member, points, purchaseId, returnPk, ProgramAccount.REDEEMED.id(), TransferCode.REFUND_RETURN, null, now);
    }

    private void refund(MemberId member, long points, long purchaseId, long returnPk, long account, TransferCode code,
                        String reason, OffsetDateTime now) {
        if (points <= 0) {
            return;
        }
        long transfer = repository.transferBetween(null, account, member.value(), null, points,
                code, purchaseId, returnPk, null, null, reason, now);
        giveBack(member, points, transfer, repository.unrefundedRedemption(purchaseId), "purchase " + purchaseId, now);
    }

    /** A partner's two programme accounts: points it issued and points redeemed at it. */
    public record PartnerAccounts(long issued, long redeemed) {
    }

    /** Opens the programme accounts of a new partner, in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public PartnerAccounts openPartnerAccounts(long partnerId) {
        return new PartnerAccounts(repository.openProgramAccount("PARTNER_" + partnerId + "_ISSUED"),
                repository.openProgramAccount("PARTNER_" + partnerId + "_REDEEMED"));
    }

    /**
     * Credits points earned on a partner's receipt from the partner's issued account, as a lot tied to
     * the receipt ({@code receiptId} shares the purchases' numbering); {@code partner} names it in the history.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void earnAtPartner(MemberId member, long points, long receiptId, PartnerAccounts partner, String partnerName,
                              OffsetDateTime availableFrom, OffsetDateTime expiresAt, OffsetDateTime now) {
        requirePositive(points);
        long transfer = repository.transferBetween(null, partner.issued(), member.value(), null, points,
                TransferCode.PARTNER_EARN, receiptId, null, null, null, partnerName, now);
        long lot = repository.insertLot(member.value(), transfer, receiptId, points, availableFrom, expiresAt, now);
        settleDebts(member, lot, points, transfer, now);
        repository.addToBalance(member.value(), points);
    }

    /** Spends available points as payment at a partner; the caller has checked, under the lock, that they are available. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void redeemAtPartner(MemberId member, long points, long receiptId, PartnerAccounts partner, String partnerName,
                                OffsetDateTime now) {
        requirePositive(points);
        long transfer = repository.transferBetween(member.value(), null, null, partner.redeemed(), points,
                TransferCode.PARTNER_REDEEM, receiptId, null, null, null, partnerName, now);
        if (consume(member, points, transfer, now, false, "REDEEM") > 0) {
            throw new IllegalStateException("redeemed " + points + " points at a partner with fewer available");
        }
        repository.addToBalance(member.value(), -points);
    }

    /** Takes back points earned on a partner's receipt (as {@link #reverseEarning} does), into the partner's issued account. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Reversal reverseAtPartner(MemberId member, long points, long receiptId, long returnPk, long forgivenBefore,
                                     PartnerAccounts partner, String partnerName, OffsetDateTime now) {
        return reverse(member, points, receiptId, returnPk, forgivenBefore, partner.issued(), TransferCode.PARTNER_REVERSE,
                partnerName, now);
    }

    /** Gives back points paid at a partner, from the partner's redeemed account into the lots they came from. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void refundAtPartner(MemberId member, long points, long receiptId, long returnPk, PartnerAccounts partner,
                                String partnerName, OffsetDateTime now) {
        refund(member, points, receiptId, returnPk, partner.redeemed(), TransferCode.PARTNER_REFUND, partnerName, now);
    }

    /** Points that moved into ({@code credit}) or out of a programme account by transfers of {@code code} recorded in [from, to). */
    public long programAccountFlow(long accountId, TransferCode code, boolean credit, OffsetDateTime from, OffsetDateTime to) {
        return repository.programAccountFlow(accountId, code, credit, from, to);
    }

    /**
     * Spends available points on a reward (the soonest-expiring lots first); the caller has checked,
     * under the lock, that they are available. {@code name} says what they bought, for the history.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void spendOnReward(MemberId member, long points, long redemptionId, String name, OffsetDateTime now) {
        requirePositive(points);
        long transfer = repository.transfer(member.value(), null, null, ProgramAccount.REDEEMED, points,
                TransferCode.REWARD, null, null, null, redemptionId, name, now);
        if (consume(member, points, transfer, now, false, "REWARD") > 0) {
            throw new IllegalStateException("spent " + points + " points on a reward with fewer available");
        }
        repository.addToBalance(member.value(), -points);
    }

    /** Gives back the points of a cancelled reward redemption, into the lots they came from. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void refundReward(MemberId member, long points, long redemptionId, String name, OffsetDateTime now) {
        if (points <= 0) {
            return;
        }
        long transfer = repository.transfer(null, ProgramAccount.REDEEMED, member.value(), null, points,
                TransferCode.REWARD_REFUND, null, null, null, redemptionId, name, now);
        giveBack(member, points, transfer, repository.unrefundedReward(redemptionId), "reward redemption " + redemptionId, now);
    }

    /** Puts points back into the lots a spending took them from (latest-expiring first). */
    private void giveBack(MemberId member, long points, long transfer, List<LedgerRepository.Owed> owedLots, String what,
                          OffsetDateTime now) {
        long left = points;
        for (var owed : owedLots) {
            if (left == 0) {
                break;
            }
            long back = Math.min(left, owed.points());
            Lot lot = owed.lot();
            if (lot.memberId() == member.value()) {
                repository.moveLot(lot.id(), transfer, back, "REFUND", now);
            } else {
                // The lot belonged to a duplicate merged into this member since: give the points back
                // to the member as a lot with the same maturity and expiry.
                repository.moveLot(lot.id(), transfer, back, "REFUND", now);
                repository.moveLot(lot.id(), null, -back, "MERGE", now);
                repository.insertLot(member.value(), transfer, lot.purchaseId(), back, lot.availableFrom(), lot.expiresAt(), now);
            }
            left -= back;
        }
        if (left > 0) {
            throw new IllegalStateException("refunding " + points + " points to " + what
                    + " that spent only " + (points - left) + " not yet refunded");
        }
        repository.addToBalance(member.value(), points);
    }

    /**
     * A manual correction: positive points become a lot available at once; negative ones are taken
     * like a redemption and may not exceed what is available.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void adjust(MemberId member, long points, long adjustmentId, String reason, OffsetDateTime expiresAt,
                       OffsetDateTime now) {
        if (points > 0) {
            long transfer = repository.transfer(null, ProgramAccount.ADJUSTED, member.value(), null, points,
                    TransferCode.ADJUST, null, null, adjustmentId, reason, now);
            long lot = repository.insertLot(member.value(), transfer, null, points, now, expiresAt, now);
            settleDebts(member, lot, points, transfer, now);
        } else if (points < 0) {
            long transfer = repository.transfer(member.value(), null, null, ProgramAccount.ADJUSTED, -points,
                    TransferCode.ADJUST, null, null, adjustmentId, reason, now);
            if (consume(member, -points, transfer, now, false, "ADJUST") > 0) {
                throw new IllegalStateException("adjusted below the available points");
            }
        }
        repository.addToBalance(member.value(), points);
    }

    /**
     * Expires the points of the member's lots whose expiry has passed. Runs under the member's lock;
     * returns the points expired (0 when another instance was first).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long expire(MemberId member, OffsetDateTime now) {
        repository.lockAccount(member.value(), now);
        List<Lot> expired = repository.openLots(member.value()).stream()
                .filter(l -> l.remaining() > 0 && !l.expiresAt().isAfter(now)).toList();
        long points = expired.stream().mapToLong(Lot::remaining).sum();
        if (points == 0) {
            return 0;
        }
        long transfer = repository.transfer(member.value(), null, null, ProgramAccount.EXPIRED, points,
                TransferCode.EXPIRE, null, null, null, null, now);
        expired.forEach(l -> repository.moveLot(l.id(), transfer, -l.remaining(), "EXPIRE", now));
        repository.addToBalance(member.value(), -points);
        events.record(POINTS_EXPIRED, member.value(), null, Map.of("points", points), now);
        return points;
    }

    public List<Long> membersWithExpiredLots(OffsetDateTime now, int limit) {
        return repository.membersWithExpiredLots(now, limit);
    }

    public Page<LedgerEntry> history(MemberId member, PageRequest page) {
        return repository.history(member.value(), page);
    }

    public List<Lot> openLots(MemberId member) {
        return repository.openLots(member.value());
    }

    /** Takes both accounts' locks, in id order, before the merge locks the member rows. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void on(io.patron.members.MembersMerging merging) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        long a = merging.survivor().value();
        long b = merging.duplicate().value();
        repository.lockAccount(Math.min(a, b), now);
        repository.lockAccount(Math.max(a, b), now);
    }

    /**
     * A merged duplicate's lots move to the survivor unchanged (same maturity and expiry; a debt stays
     * a debt), through one MERGE transfer of the net balance, in the merge's transaction.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void on(MembersMerged merged) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        long survivor = merged.survivor().value();
        long duplicate = merged.merged().value();
        // Lock in id order, as Members.merge does, so that two merges cannot deadlock.
        repository.lockAccount(Math.min(survivor, duplicate), now);
        repository.lockAccount(Math.max(survivor, duplicate), now);
        List<Lot> lots = repository.openLots(duplicate);
        long balance = lots.stream().mapToLong(Lot::remaining).sum();
        if (lots.isEmpty()) {
            return;
        }
        String reason = "merged member " + duplicate;
        Long transfer = balance > 0
                ? repository.transfer(duplicate, null, survivor, null, balance, TransferCode.MERGE, null, null, null, reason, now)
                : balance < 0
                ? repository.transfer(survivor, null, duplicate, null, -balance, TransferCode.MERGE, null, null, null, reason, now)
                : null;
        for (Lot lot : lots) {
            repository.moveLot(lot.id(), transfer, -lot.remaining(), "MERGE", now);
            repository.insertLot(survivor, transfer, lot.purchaseId(), lot.remaining(), lot.availableFrom(), lot.expiresAt(), now);
        }
        repository.addToBalance(duplicate, -balance);
        repository.addToBalance(survivor, balance);
    }

    /**
     * Takes points from lots, soonest-expiring first: only available lots for a spend; pending lots
     * first and then available ones for a reversal. Returns what could not be taken.
     */
    private long consume(MemberId member, long points, long transfer, OffsetDateTime now, boolean pendingFirst, String kind) {
        long left = points;
        if (pendingFirst) {
            for (Lot lot : repository.openLots(member.value())) {
                if (left == 0) {
                    break;
                }
                if (lot.remaining() > 0 && lot.pendingAt(now)) {
                    long take = Math.min(left, lot.remaining());
                    repository.moveLot(lot.id(), transfer, -take, kind, now);
                    left -= take;
                }
            }
        }
        // Available lots a chunk at a time: a spend reads only the lots it takes from (a lot emptied closes
        // and drops out of the next chunk).
        while (left > 0) {
            List<Lot> chunk = repository.availableLots(member.value(), now, CONSUME_CHUNK);
            for (Lot lot : chunk) {
                if (left == 0) {
                    break;
                }
                long take = Math.min(left, lot.remaining());
                repository.moveLot(lot.id(), transfer, -take, kind, now);
                left -= take;
            }
            if (chunk.size() < CONSUME_CHUNK) {
                break;
            }
        }
        return left;
    }

    private static final int CONSUME_CHUNK = 20;

    private static void requirePositive(long points) {
        if (points <= 0) {
            throw new IllegalArgumentException("points must be positive: " + points);
        }
    }

    /** What a return took back: points reversed through the ledger and points forgiven because they had expired. */
    public record Reversal(long reversed, long forgiven) {
    }
}
