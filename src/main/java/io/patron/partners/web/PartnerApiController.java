package io.patron.partners.web;

import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.partners.PartnerSales;
import io.patron.partners.Settlements;
import io.patron.partners.Statement;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The partner API: what a partner's till or system does with a partner key. Only partner keys get in
 * (the API chain admits nobody else here), and every answer is about the calling partner's own data.
 */
@RestController
@RequestMapping("/api/v1/partner")
@Tag(name = "Partner API", description = "Partners of the coalition: identify members, earn and burn points, returns, statements")
class PartnerApiController {

    private final PartnerSales sales;
    private final Settlements settlements;
    private final JsonMapper json;

    /** Member lookups a partner key may make in a minute. */
    static final int IDENTIFY_PER_MINUTE = 120;

    private final io.patron.common.RateLimits rateLimits;

    PartnerApiController(PartnerSales sales, Settlements settlements, JsonMapper json, io.patron.common.RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.sales = sales;
        this.settlements = settlements;
        this.json = json;
    }

    @PostMapping("/members/identify")
    @Operation(summary = "Identify a member by card or phone", description = "Answers a masked name, whether the card is valid "
            + "and, where points can be spent at this partner, the points available. Never the member's data beyond that.")
    PartnerSales.Identification identify(@RequestBody PartnerSales.MemberRef member) {
        // Looking members up by phone is bounded per partner, so a key cannot enumerate the members.
        long wait = rateLimits.attempt("partner-identify", Long.toString(Callers.partner().partnerId()), IDENTIFY_PER_MINUTE,
                java.time.Duration.ofMinutes(1));
        if (wait > 0) {
            throw io.patron.common.ProblemException.tooManyRequests("TOO_MANY_LOOKUPS", "Too many member lookups; slow down.", wait);
        }
        return sales.identify(Callers.partner(), member);
    }

    @PostMapping("/receipts")
    @Operation(summary = "Record a receipt: earn points, optionally pay part with points",
            description = "Idempotent on receiptId: the same body again answers the stored answer with Idempotent-Replayed: true; "
                    + "a different body is 409 RECEIPT_ALREADY_RECORDED.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201", description = "The receipt is recorded.",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PartnerSales.ReceiptAnswer.class)))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "A retry: the answer it was given.",
            headers = @io.swagger.v3.oas.annotations.headers.Header(name = "Idempotent-Replayed", description = "Always true on this answer", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", allowableValues = "true")),
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PartnerSales.ReceiptAnswer.class)))
    ResponseEntity<String> receipt(@RequestBody PartnerSales.ReceiptRequest request) {
        return answer(sales.recordReceipt(Callers.partner(), request));
    }

    @GetMapping("/receipts/{receiptId}")
    @Operation(summary = "A receipt this partner recorded, as it was answered")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "OK",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PartnerSales.ReceiptAnswer.class)))
    ResponseEntity<String> receipt(@PathVariable String receiptId) {
        var receipt = sales.receipt(Callers.partner(), receiptId)
                .orElseThrow(() -> ProblemException.notFound("RECEIPT_NOT_FOUND", "No receipt " + receiptId + " of this partner."));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(receipt.response());
    }

    @PostMapping("/returns")
    @Operation(summary = "Take goods of a receipt back", description = "Takes back earned points and gives back spent points in "
            + "proportion to the money returned; idempotent on returnId.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201", description = "The return is recorded.",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PartnerSales.ReturnAnswer.class)))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "A retry: the answer it was given.",
            headers = @io.swagger.v3.oas.annotations.headers.Header(name = "Idempotent-Replayed", description = "Always true on this answer", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", allowableValues = "true")),
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = PartnerSales.ReturnAnswer.class)))
    ResponseEntity<String> returnGoods(@RequestBody PartnerSales.ReturnRequest request) {
        return answer(sales.recordReturn(Callers.partner(), request));
    }

    @GetMapping("/statements")
    @Operation(summary = "This partner's settlement statements, newest first")
    Page<Statement> statements(@RequestParam Optional<Integer> page, @RequestParam Optional<Integer> size) {
        return settlements.list(Callers.partner().partnerId(), PageRequest.of(page.orElse(null), size.orElse(null), 50));
    }

    @GetMapping("/statements/{id}")
    @Operation(summary = "One of this partner's statements")
    Statement statement(@PathVariable long id) {
        return settlements.find(id).filter(s -> s.partnerId() == Callers.partner().partnerId())
                .orElseThrow(() -> ProblemException.notFound("STATEMENT_NOT_FOUND", "No statement " + id + " of this partner."));
    }

    private static ResponseEntity<String> answer(PartnerSales.Answer answer) {
        if (answer.replayed()) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header("Idempotent-Replayed", "true").body(answer.json());
        }
        return ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON).body(answer.json());
    }
}
