package io.patron.checkout.web;

import io.patron.checkout.Checkout;
import io.patron.checkout.PurchaseRequest;
import io.patron.checkout.PurchaseResponse;
import io.patron.checkout.PurchaseSummary;
import io.patron.checkout.ReturnRequest;
import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The till contract: quote, commit, return, and reading purchases back. */
@RestController
@RequestMapping("/api/v1/purchases")
@Tag(name = "Purchases", description = "Quote and commit baskets, take goods back (tills)")
class PurchaseApiController {

    private final Checkout checkout;
    private final JsonMapper json;

    PurchaseApiController(Checkout checkout, JsonMapper json) {
        this.checkout = checkout;
        this.json = json;
    }

    // POST endpoints of this controller are authorised in SecurityConfig's API chain (TILL only).
    @PostMapping("/quote")
    @Operation(summary = "Price a basket without recording anything")
    PurchaseResponse quote(@RequestBody PurchaseRequest request) {
        return checkout.quote(till(), request);
    }

    @PostMapping
    @Operation(summary = "Record a sale", description = "Idempotent on (store, receiptId): the same body again answers "
            + "the stored answer with Idempotent-Replayed: true; a different body is 409 RECEIPT_ALREADY_RECORDED.")
    @ApiResponse(responseCode = "201", description = "The sale is recorded.",
            headers = @Header(name = "Location", description = "The purchase: /api/v1/purchases/{purchaseId}", schema = @Schema(type = "string")),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PurchaseResponse.class)))
    @ApiResponse(responseCode = "200", description = "A retry of a recorded sale: the answer it was given.",
            headers = @Header(name = "Idempotent-Replayed", description = "Always true on this answer", schema = @Schema(type = "string", allowableValues = "true")),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PurchaseResponse.class)))
    ResponseEntity<String> commit(@RequestBody PurchaseRequest request) {
        Checkout.Answer answer = checkout.commit(till(), request);
        return answer(answer, "/api/v1/purchases/");
    }

    @PostMapping("/redemption-codes")
    @Operation(summary = "Send the member a one-time code for spending points",
            description = "When a quote answers redemptionCodeRequired, the till asks for a code: Patron sends six digits to the "
                    + "member's phone (SMS) or e-mail, bound to the member, this till and at most these points, valid for a few minutes. "
                    + "The commit carries it as redemptionCode; a wrong one is 422 REDEMPTION_CODE_INVALID, an old one "
                    + "REDEMPTION_CODE_EXPIRED; ten wrong codes in an hour lock the flow (REDEMPTION_CODE_LOCKED).")
    @ApiResponse(responseCode = "201", description = "The code is on its way.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = io.patron.checkout.RedemptionCodes.Sent.class)))
    ResponseEntity<io.patron.checkout.RedemptionCodes.Sent> sendRedemptionCode(@RequestBody io.patron.checkout.RedemptionCodeRequest request) {
        return ResponseEntity.status(201).body(checkout.sendRedemptionCode(till(), request));
    }

    @PostMapping("/{id}/returns")
    @Operation(summary = "Take goods back", description = "Reverses earned points and refunds redeemed points in proportion; idempotent on returnId.")
    @ApiResponse(responseCode = "201", description = "The return is recorded.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = io.patron.checkout.ReturnResponse.class)))
    @ApiResponse(responseCode = "200", description = "A retry of a recorded return: the answer it was given.",
            headers = @Header(name = "Idempotent-Replayed", description = "Always true on this answer", schema = @Schema(type = "string", allowableValues = "true")),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = io.patron.checkout.ReturnResponse.class)))
    ResponseEntity<String> returnGoods(@PathVariable long id, @RequestBody ReturnRequest request) {
        return answer(checkout.returnGoods(till(), id, request), null);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('TILL','ADMIN','SUPPORT','MARKETER','ANALYST')")
    @Operation(summary = "A recorded purchase as its commit answered, with its returns")
    @ApiResponse(responseCode = "200", description = "The purchase",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RecordedPurchase.class)))
    ResponseEntity<String> get(@PathVariable long id) {
        var purchase = checkout.purchase(id)
                .filter(p -> Callers.till().map(t -> t.storeId() == p.storeId()).orElse(true))
                .orElseThrow(() -> ProblemException.notFound("PURCHASE_NOT_FOUND", "No such purchase."));
        ObjectNode body = (ObjectNode) json.readTree(purchase.response());
        body.put("storeId", purchase.storeId());
        ArrayNode returns = body.putArray("returns");
        checkout.returnsOf(id).forEach(r -> returns.add(json.readTree(r.response())));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(body));
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('TILL','ADMIN','SUPPORT','MARKETER','ANALYST')")
    @Operation(summary = "Find purchases by receipt id", description = "A till sees its own store's; admins may give storeId.")
    Page<PurchaseSummary> find(@RequestParam String receiptId, @RequestParam Optional<Long> storeId,
                               @RequestParam Optional<Integer> page, @RequestParam Optional<Integer> size) {
        if (receiptId.isBlank() || receiptId.length() > 64) {
            throw ProblemException.invalid("receiptId", "1 to 64 characters");
        }
        Long store = Callers.till().map(Caller.Till::storeId).orElse(storeId.orElse(null));
        return checkout.byReceipt(store, receiptId, PageRequest.of(page.orElse(null), size.orElse(null), 50));
    }

    /** What {@code GET /api/v1/purchases/{id}} answers (for the document): the commit's answer, its store and returns. */
    @Schema(name = "RecordedPurchase", allOf = PurchaseResponse.class)
    record RecordedPurchase(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) long storeId,
                            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) java.util.List<io.patron.checkout.ReturnResponse> returns) {
    }

    private static Caller.Till till() {
        return Callers.till().orElseThrow(() -> ProblemException.forbidden("FORBIDDEN", "Only a till records sales."));
    }

    private static ResponseEntity<String> answer(Checkout.Answer answer, String location) {
        if (answer.replayed()) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header("Idempotent-Replayed", "true")
                    .body(answer.json());
        }
        var created = ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON);
        if (location != null) {
            String id = answer.json().replaceAll("(?s)^\\{\"purchaseId\":(\\d+).*", "$1");
            if (id.matches("\\d+")) {
                created = created.location(URI.create(location + id));
            }
        }
        return created.body(answer.json());
    }
}
