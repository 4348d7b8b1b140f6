package io.patron.checkout;

/** A till asking Patron to send the member a one-time code for spending points. */
public record RedemptionCodeRequest(
        @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED)
        PurchaseRequest.MemberRef member,
        @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED,
                minimum = "1", maximum = "1000000000", description = "The points the member will spend (the code allows at most these)")
        Long pointsToRedeem) {
}
