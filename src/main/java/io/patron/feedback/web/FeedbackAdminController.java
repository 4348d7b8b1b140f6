package io.patron.feedback.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.feedback.Feedback;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.common.Barcodes;
import io.patron.stores.Stores;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.ResponseStatus;

/** Feedback in the admin and the API: responses with filters and follow-up flags, scores per store, invitations. */
@Controller
@Tag(name = "Feedback", description = "NPS, satisfaction and suggestions")
class FeedbackAdminController {

    private static final String READ = "hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')";

    private final Feedback feedback;
    private final Members members;
    private final Stores stores;
    private final java.time.Clock clock;

    FeedbackAdminController(Feedback feedback, Members members, Stores stores, java.time.Clock clock) {
        this.feedback = feedback;
        this.members = members;
        this.stores = stores;
        this.clock = clock;
    }

    @GetMapping("/admin/feedback")
    @PreAuthorize(READ)
    String page(@RequestParam(required = false) Feedback.Kind kind, @RequestParam(defaultValue = "0") int page, Model model) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        model.addAttribute("responses", feedback.responses(kind, null, new PageRequest(Math.max(0, page), 50)));
        model.addAttribute("scores", feedback.scores(now.minusDays(90), now.plusDays(1)));
        model.addAttribute("kind", kind);
        model.addAttribute("stores", stores.list(new PageRequest(0, Page.SIZE_MAX)).items());
        return "feedback/admin";
    }

    @PostMapping("/admin/feedback/{id}/follow-up")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    String toggle(@PathVariable long id, @RequestParam boolean followUp) {
        feedback.followUp(id, followUp);
        return "redirect:/admin/feedback";
    }

    /** A store's QR code for its feedback page, to print and put up. */
    @GetMapping("/admin/feedback/stores/{code}/qr.svg")
    @PreAuthorize(READ)
    ResponseEntity<String> qr(@PathVariable String code, @RequestParam(defaultValue = "") String base) {
        String url = (base.isBlank() ? "" : base.replaceAll("/+$", "")) + "/feedback/store/" + code;
        return ResponseEntity.ok().header("Content-Type", "image/svg+xml").body(Barcodes.qrSvg(url));
    }

    record InvitationRequest(Feedback.Kind kind, Long storeId, Long purchaseId) {
    }

    @PostMapping("/api/v1/members/{id}/feedback-invitations")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    @ResponseStatus(HttpStatus.CREATED)
    @ResponseBody
    @Operation(summary = "E-mail a member a survey link (signed, single use, 30 days)")
    InvitationSent invite(@PathVariable long id, @RequestBody InvitationRequest request) {
        Feedback.Kind kind = request.kind() == null ? Feedback.Kind.NPS : request.kind();
        return new InvitationSent(feedback.invite(members.get(new MemberId(id)).id(), kind, request.storeId(), request.purchaseId()));
    }

    /** The invitation e-mailed (its id, for finding its response later). */
    record InvitationSent(long invitationId) {
    }

    @GetMapping("/api/v1/feedback")
    @PreAuthorize(READ)
    @ResponseBody
    @Operation(summary = "Responses, newest first, optionally of one kind or store")
    Page<Feedback.Response> responses(@RequestParam(required = false) Feedback.Kind kind, @RequestParam(required = false) Long storeId,
                                      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return feedback.responses(kind, storeId, new PageRequest(page, size));
    }

    @GetMapping("/api/v1/feedback/scores")
    @PreAuthorize(READ)
    @ResponseBody
    @Operation(summary = "NPS and average satisfaction per store for a period")
    List<Feedback.StoreScore> scores(@RequestParam OffsetDateTime from, @RequestParam OffsetDateTime to) {
        return feedback.scores(from, to);
    }
}
