package io.patron.partners.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.partners.Partner;
import io.patron.partners.PartnerKey;
import io.patron.partners.PartnerRequest;
import io.patron.partners.PartnerUser;
import io.patron.partners.Partners;
import io.patron.partners.Settlements;
import io.patron.partners.Statement;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Partners and their settlements for the operator's admins and scripts. */
@RestController
@RequestMapping("/api/v1/partners")
@Tag(name = "Partners", description = "The coalition's partners, their keys and users, settlement statements (admins)")
@PreAuthorize("hasAnyRole('ADMIN','ANALYST')")
class PartnerAdminApiController {

    private static final String WRITE = "hasRole('ADMIN')";

    private final Partners partners;
    private final Settlements settlements;

    PartnerAdminApiController(Partners partners, Settlements settlements) {
        this.partners = partners;
        this.settlements = settlements;
    }

    @GetMapping
    @Operation(summary = "All partners (at most 1,000)")
    List<Partner> list() {
        return partners.list();
    }

    @PostMapping
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a partner", description = "Opens its programme accounts in the ledger.")
    Partner create(@RequestBody PartnerRequest request) {
        return partners.create(request);
    }

    @GetMapping("/{id}")
    Partner get(@PathVariable long id) {
        return partners.get(id);
    }

    @PatchMapping("/{id}")
    @PreAuthorize(WRITE)
    @Operation(summary = "Change a partner's settings", description = "Fields left out keep their value; the code never changes.")
    Partner update(@PathVariable long id, @RequestBody PartnerRequest request) {
        return partners.update(id, request);
    }

    record KeyRequest(String name) {
    }

    @PostMapping("/{id}/keys")
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "A new partner API key, shown once", description = "The key works on /api/v1/partner/** only.")
    Partners.IssuedKey createKey(@PathVariable long id, @RequestBody KeyRequest request) {
        return partners.createKey(id, request.name());
    }

    @GetMapping("/{id}/keys")
    List<PartnerKey> keys(@PathVariable long id) {
        return partners.keys(id);
    }

    @DeleteMapping("/{id}/keys/{keyId}")
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeKey(@PathVariable long id, @PathVariable long keyId) {
        partners.revokeKey(id, keyId);
    }

    record UserRequest(String username, String password, String displayName) {
    }

    @PostMapping("/{id}/users")
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "A person of the partner who signs in to the partner portal")
    PartnerUser createUser(@PathVariable long id, @RequestBody UserRequest request) {
        return partners.createUser(id, request.username(), request.password(), request.displayName());
    }

    @GetMapping("/statements")
    @Operation(summary = "Settlement statements of all partners or one, newest first")
    Page<Statement> statements(@RequestParam Optional<Long> partnerId, @RequestParam Optional<Integer> page,
                               @RequestParam Optional<Integer> size) {
        return settlements.list(partnerId.orElse(null), PageRequest.of(page.orElse(null), size.orElse(null), 50));
    }

    @GetMapping("/statements/{id}")
    Statement statement(@PathVariable long id) {
        return settlements.get(id);
    }

    @GetMapping(value = "/statements/{id}/csv", produces = "text/csv")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The statement as CSV",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000)))
    ResponseEntity<String> csv(@PathVariable long id) {
        Statement s = settlements.get(id);
        return io.patron.common.Downloads.csv(s.number(), settlements.csv(s));
    }

    @PostMapping("/statements/draft-due")
    @PreAuthorize(WRITE)
    @Operation(summary = "Draft the statements of periods that have ended (the scheduler does this on its own)")
    StatementsDrafted draftDue() {
        return new StatementsDrafted(settlements.draftDue());
    }

    /** How many statements were drafted. */
    record StatementsDrafted(int drafted) {
    }

    record ReviewRequest(String note) {
    }

    @PostMapping("/statements/{id}/review")
    @PreAuthorize(WRITE)
    @Operation(summary = "Mark a draft reviewed", description = "Its figures are worked out again first.")
    Statement review(@PathVariable long id, @RequestBody(required = false) ReviewRequest request) {
        return settlements.review(id, request == null ? null : request.note());
    }

    @PostMapping("/statements/{id}/close")
    @PreAuthorize(WRITE)
    @Operation(summary = "Close a reviewed statement for good", description = "409 STATEMENT_CHANGED (and back to draft) when "
            + "its figures changed since the review; 409 STATEMENT_CLOSED for a closed one.")
    Statement close(@PathVariable long id) {
        return settlements.close(id);
    }
}
