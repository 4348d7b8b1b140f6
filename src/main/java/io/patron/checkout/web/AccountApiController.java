package io.patron.checkout.web;

import io.patron.checkout.TierStatus;
import io.patron.checkout.Tiers;
import io.patron.ledger.Ledger;
import io.patron.ledger.PointsAccount;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.program.Programs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;

/** The member's account as the till and the portal show it: points, and the tier with the way to the next. */
@RestController
@Tag(name = "Points", description = "Member points accounts, history and adjustments")
class AccountApiController {

    private final Members members;
    private final Ledger ledger;
    private final Tiers tiers;
    private final Programs programs;
    private final Clock clock;
    private final io.patron.common.TillLookups tillLookups;

    AccountApiController(Members members, Ledger ledger, Tiers tiers, Programs programs, Clock clock,
                         io.patron.common.TillLookups tillLookups) {
        this.tillLookups = tillLookups;
        this.members = members;
        this.ledger = ledger;
        this.tiers = tiers;
        this.programs = programs;
        this.clock = clock;
    }

    @GetMapping("/api/v1/members/{id}/account")
    @PreAuthorize("hasAnyRole('TILL','ADMIN','SUPPORT','MARKETER','ANALYST')")
    @Operation(summary = "Points available, pending and expiring (next 90 days); tier and the spend needed for the next")
    AccountView account(@PathVariable long id) {
        tillLookups.count();
        MemberId member = members.get(new MemberId(id)).id();
        OffsetDateTime now = OffsetDateTime.now(clock);
        PointsAccount a = ledger.account(member, now);
        TierStatus t = tiers.status(member, programs.active().definition(), now);
        return new AccountView(id, a.available(), a.pending(),
                t == null ? null : new TierView(t.tier().name(), t.tier().discountPercent(), t.points() ? null : t.spend(),
                        t.points() ? t.spend().longValue() : null, t.vipUntil()),
                t == null || t.next() == null ? null : new NextTierView(t.next().name(), t.next().discountPercent(), t.needed()),
                a.expiring().stream().map(x -> new ExpiringView(x.points(), x.date())).toList());
    }

    record AccountView(long memberId, long pointsAvailable, long pointsPending, TierView tier, NextTierView nextTier,
                       List<ExpiringView> expiring) {
    }

    /** {@code qualifyingSpend} on a spend ladder, {@code qualifyingPoints} on a points ladder; {@code vipUntil} when a manual tier applies. */
    record TierView(String name, BigDecimal discountPercent, BigDecimal qualifyingSpend, Long qualifyingPoints,
                    OffsetDateTime vipUntil) {
    }

    /** {@code amountNeeded}: money on a spend ladder, points on a points ladder. */
    record NextTierView(String name, BigDecimal discountPercent, BigDecimal amountNeeded) {
    }

    @PutMapping("/api/v1/members/{id}/tier-floor")
    @PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
    @Operation(summary = "Give a member at least a tier until a date (a VIP level); replaces an earlier one")
    AccountView setTierFloor(@PathVariable long id, @RequestBody TierFloorRequest request) {
        MemberId member = members.get(new MemberId(id)).id();
        tiers.setFloor(member, request.tier(), request.expiresAt(), request.reason(), programs.active().definition());
        return account(id);
    }

    @DeleteMapping("/api/v1/members/{id}/tier-floor")
    @PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "End a member's manual tier")
    void removeTierFloor(@PathVariable long id) {
        tiers.removeFloor(members.get(new MemberId(id)).id());
    }

    record TierFloorRequest(String tier, OffsetDateTime expiresAt, String reason) {
    }

    record ExpiringView(long points, LocalDate date) {
    }
}
