package io.patron.ledger.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.ledger.Ledger;
import io.patron.ledger.LedgerDescriptions;
import io.patron.ledger.LedgerEntry;
import io.patron.ledger.PointAdjustments;
import io.patron.ledger.PointsAccount;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A member's points: the account the till shows, the history, and support's manual adjustments. */
@RestController
@RequestMapping("/api/v1/members/{id}")
@Tag(name = "Points", description = "Member points accounts, history and adjustments")
class LedgerApiController {

    private final Ledger ledger;
    private final PointAdjustments adjustments;
    private final Members members;
    private final LedgerDescriptions descriptions;
    private final Clock clock;

    LedgerApiController(Ledger ledger, PointAdjustments adjustments, Members members, LedgerDescriptions descriptions,
                        Clock clock) {
        this.ledger = ledger;
        this.adjustments = adjustments;
        this.members = members;
        this.descriptions = descriptions;
        this.clock = clock;
    }

    @GetMapping("/ledger")
    @PreAuthorize("hasAnyRole('ADMIN','SUPPORT','MARKETER','ANALYST')")
    @Operation(summary = "The member's points history, newest first, with a description of each line")
    Page<EntryView> history(@PathVariable long id, @RequestParam Optional<Integer> page, @RequestParam Optional<Integer> size) {
        MemberId member = members.get(new MemberId(id)).id();
        return ledger.history(member, PageRequest.of(page.orElse(null), size.orElse(null), 50)).map(this::view);
    }

    @PostMapping("/adjustments")
    @PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
    @Operation(summary = "Add or remove points by hand, with a reason", description = "Idempotent by the Idempotency-Key header.")
    ResponseEntity<AdjustmentView> adjust(@PathVariable long id, @RequestHeader(value = "Idempotency-Key", required = false) String key,
                                          @RequestBody AdjustmentRequest request) {
        PointAdjustments.Adjustment a = adjustments.adjust(new MemberId(id), request.points() == null ? 0 : request.points(),
                request.reason(), key);
        PointsAccount account = ledger.account(new MemberId(id), OffsetDateTime.now(clock));
        AdjustmentView view = new AdjustmentView(a.id(), a.points(), a.reason(), a.createdAt(), account.available(),
                account.pending());
        return a.replayed() ? ResponseEntity.ok().header("Idempotent-Replayed", "true").body(view)
                : ResponseEntity.status(201).body(view);
    }

    private EntryView view(LedgerEntry e) {
        String description = descriptions.describe(e, LocaleContextHolder.getLocale());
        return new EntryView(e.transferId(), e.at(), e.code().name(), e.points(), e.purchaseId(), e.returnId(),
                e.adjustmentId(), description);
    }

    record AdjustmentRequest(Long points, String reason) {
    }

    record AdjustmentView(long id, long points, String reason, OffsetDateTime createdAt, long pointsAvailable,
                          long pointsPending) {
    }

    record EntryView(long id, OffsetDateTime at, String code, long points, Long purchaseId, Long returnId,
                     Long adjustmentId, String description) {
    }

}
