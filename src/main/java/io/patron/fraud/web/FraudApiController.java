package io.patron.fraud.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.fraud.FraudCase;
import io.patron.fraud.FraudCases;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The fraud queue for scripts: cases, their notes, closing them, holding and releasing a member's redemptions. */
@RestController
@PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
@Tag(name = "Fraud", description = "Cases raised by the programme's velocity rules, and holds on members' redemptions")
class FraudApiController {

    private final FraudCases cases;

    FraudApiController(FraudCases cases) {
        this.cases = cases;
    }

    @GetMapping("/api/v1/fraud/cases")
    @Operation(summary = "Cases, newest first, optionally of one status")
    Page<FraudCase> list(@RequestParam(required = false) FraudCase.Status status, @RequestParam(defaultValue = "0") int page,
                         @RequestParam(defaultValue = "50") int size) {
        return cases.page(status, new PageRequest(page, size));
    }

    @GetMapping("/api/v1/fraud/cases/{id}")
    @Operation(summary = "A case with its evidence")
    FraudCase get(@PathVariable long id) {
        return cases.get(id);
    }

    @GetMapping("/api/v1/fraud/cases/{id}/notes")
    @Operation(summary = "A case's notes, oldest first")
    List<FraudCase.Note> notes(@PathVariable long id) {
        return cases.notes(id);
    }

    record NoteRequest(String note) {
    }

    @PostMapping("/api/v1/fraud/cases/{id}/notes")
    @Operation(summary = "Add a note to a case")
    FraudCase.Note note(@PathVariable long id, @RequestBody NoteRequest request) {
        return cases.note(id, request == null ? null : request.note());
    }

    record CloseRequest(FraudCase.Resolution resolution, String note) {
    }

    @PostMapping("/api/v1/fraud/cases/{id}/close")
    @Operation(summary = "Close a case", description = "NOT_FRAUD releases a hold the case put on the member; FRAUD keeps it.")
    FraudCase close(@PathVariable long id, @RequestBody CloseRequest request) {
        if (request == null || request.resolution() == null) {
            throw ProblemException.invalid("resolution", "FRAUD or NOT_FRAUD");
        }
        return cases.close(id, request.resolution(), request.note());
    }

    record HoldRequest(String reason, Long caseId) {
    }

    @PostMapping("/api/v1/members/{id}/redemption-hold")
    @Operation(summary = "Hold a member's redemptions", description = "The till's commit refuses to spend their points (422 REDEMPTIONS_HELD); they earn as usual.")
    FraudCase.Hold hold(@PathVariable long id, @RequestBody HoldRequest request) {
        return cases.holdMember(id, request == null ? null : request.caseId(), request == null ? null : request.reason());
    }

    record ReleaseRequest(String note) {
    }

    @PostMapping("/api/v1/members/{id}/redemption-hold/release")
    @Operation(summary = "Release a member's redemptions")
    void release(@PathVariable long id, @RequestBody(required = false) ReleaseRequest request) {
        cases.release(id, request == null ? null : request.note());
    }
}
