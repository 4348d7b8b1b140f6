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

/** The member's account as the till and the portal show it: points, and the tier with the way to the next. */
@RestController
@Tag(name = "Points", description = "Member points accounts, history and adjustments")
class AccountApiController {

    private final Members members;
    private final Ledger ledger;
    private final Tiers tiers;
    private final Programs programs;
    private final Clock clock;

    AccountApiController(Members members, Ledger ledger, Tiers tiers, Programs programs, Clock clock) {
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
        MemberId member = members.get(new MemberId(id)).id();
        OffsetDateTime now = OffsetDateTime.now(clock);
        PointsAccount a = ledger.account(member, now);
        TierStatus t = tiers.status(member, programs.active().definition(), now);
        return new AccountView(id, a.available(), a.pending(),
                t == null ? null : new TierView(t.tier().name(), t.tier().discountPercent(), t.spend()),
                t == null || t.next() == null ? null : new NextTierView(t.next().name(), t.next().discountPercent(), t.needed()),
                a.expiring().stream().map(x -> new ExpiringView(x.points(), x.date())).toList());
    }

    record AccountView(long memberId, long pointsAvailable, long pointsPending, TierView tier, NextTierView nextTier,
                       List<ExpiringView> expiring) {
    }

    record TierView(String name, BigDecimal discountPercent, BigDecimal qualifyingSpend) {
    }

    record NextTierView(String name, BigDecimal discountPercent, BigDecimal amountNeeded) {
    }

    record ExpiringView(long points, LocalDate date) {
    }
}
