package io.patron.checkout;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** Goods coming back: which lines of the purchase and how many of each; idempotent on {@code returnId}. */
@io.swagger.v3.oas.annotations.media.Schema(name = "ReturnRequest")
public record ReturnRequest(@io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, maxLength = 64) String returnId, OffsetDateTime occurredAt,
                            @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) @io.swagger.v3.oas.annotations.media.ArraySchema(minItems = 1, maxItems = Basket.LINES_MAX) List<Line> lines) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "ReturnLine")
    public record Line(@io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, maxLength = 64) String lineId,
                       @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, minimum = "0", exclusiveMinimum = true) BigDecimal quantity) {
    }
}
