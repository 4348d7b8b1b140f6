package io.patron.rewards.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.rewards.Redemption;
import io.patron.rewards.RewardItem;
import io.patron.rewards.Rewards;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The reward catalogue through the API: items, redemptions for members (support), fulfilment, cancellation. */
@RestController
@Tag(name = "Rewards", description = "The reward catalogue and redemptions")
class RewardApiController {

    private static final String STAFF = "hasAnyRole('ADMIN','MARKETER','SUPPORT')";

    private final Rewards rewards;
    private final Members members;

    RewardApiController(Rewards rewards, Members members) {
        this.rewards = rewards;
        this.members = members;
    }

    @PostMapping("/api/v1/rewards")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add an item to the catalogue")
    RewardItem create(@RequestBody Rewards.ItemRequest request) {
        return rewards.create(request);
    }

    @GetMapping("/api/v1/rewards")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')")
    @Operation(summary = "Every catalogue item (at most 500)")
    List<RewardItem> items() {
        return rewards.items();
    }

    @PostMapping("/api/v1/rewards/{id}/retire")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    @Operation(summary = "Take an item off the catalogue")
    RewardItem retire(@PathVariable long id) {
        rewards.retire(id);
        return rewards.item(id);
    }

    @GetMapping("/api/v1/members/{id}/rewards")
    @PreAuthorize(STAFF)
    @Operation(summary = "The catalogue as a member sees it now: their prices and what they may take")
    List<Rewards.Offer> catalogue(@PathVariable long id) {
        return rewards.catalogue(members.get(new MemberId(id)).id());
    }

    @PostMapping("/api/v1/members/{id}/rewards/{itemId}/redeem")
    @PreAuthorize(STAFF)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Redeem an item for a member: points debited and voucher issued in one transaction")
    Redemption redeem(@PathVariable long id, @PathVariable long itemId) {
        return rewards.redeem(members.get(new MemberId(id)).id(), itemId, "SUPPORT");
    }

    @GetMapping("/api/v1/members/{id}/reward-redemptions")
    @PreAuthorize(STAFF)
    @Operation(summary = "A member's redemptions, newest first (at most 100)")
    List<Redemption> ofMember(@PathVariable long id) {
        return rewards.ofMember(members.get(new MemberId(id)).id());
    }

    @GetMapping("/api/v1/reward-redemptions")
    @PreAuthorize(STAFF)
    @Operation(summary = "Recent redemptions, newest first")
    Page<Redemption> recent(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return rewards.recent(new PageRequest(page, size));
    }

    record StatusChange(Redemption.Status status) {
    }

    @PostMapping("/api/v1/reward-redemptions/{id}/status")
    @PreAuthorize(STAFF)
    @Operation(summary = "Move a gift along: READY (for pick-up) or HANDED_OVER")
    Redemption advance(@PathVariable long id, @RequestBody StatusChange change) {
        if (change.status() == null) {
            throw ProblemException.invalid("status", "READY or HANDED_OVER");
        }
        return rewards.advance(id, change.status());
    }

    @PostMapping("/api/v1/reward-redemptions/{id}/cancel")
    @PreAuthorize(STAFF)
    @Operation(summary = "Cancel a redemption not handed over: stock and points come back")
    Redemption cancel(@PathVariable long id) {
        return rewards.cancel(id, null);
    }
}
