package io.patron.checkout.web;

import io.patron.checkout.Backtest;
import io.patron.checkout.Backtests;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.OffsetDateTime;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Back-tests through the API: start one, follow its progress, read its figures as JSON, cancel it. */
@RestController
@RequestMapping("/api/v1/backtests")
@Tag(name = "Programme", description = "The versioned programme document and its JSON Schema")
class BacktestApiController {

    private static final String READ = "hasAnyRole('ADMIN','MARKETER','ANALYST')";
    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Backtests backtests;
    private final JsonMapper json;

    BacktestApiController(Backtests backtests, JsonMapper json) {
        this.backtests = backtests;
        this.json = json;
    }

    @PostMapping
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Start a back-test", description = "Runs candidateVersion over the recorded purchases from `from` to `to` "
            + "(dates in the candidate's time zone, both included; optionally of one store) beside baselineVersion (default: "
            + "the active version), in the background. Poll the answer's id.")
    BacktestView start(@RequestBody Backtests.Request request) {
        return view(backtests.start(request));
    }

    @GetMapping
    @PreAuthorize(READ)
    @Operation(summary = "Back-tests, newest first (without their figures)")
    Page<BacktestView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        Page<Backtest> found = backtests.list(new PageRequest(page, size));
        return new Page<>(found.items().stream().map(this::view).toList(), found.page(), found.size(), found.total());
    }

    @GetMapping("/{id}")
    @PreAuthorize(READ)
    @Operation(summary = "A back-test: status, progress and, once DONE, the figures of both programmes")
    BacktestView get(@PathVariable long id) {
        return view(backtests.get(id));
    }

    @PostMapping("/{id}/cancel")
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Cancel a queued or running back-test")
    BacktestView cancel(@PathVariable long id) {
        return view(backtests.cancel(id));
    }

    private BacktestView view(Backtest b) {
        return new BacktestView(b.id(), b.status(), b.candidateVersion(), b.baselineVersion(), b.from(), b.to(), b.storeId(),
                b.createdBy(), b.createdAt(), b.startedAt(), b.finishedAt(), b.receiptsTotal(), b.receiptsDone(), b.percent(),
                b.error(), b.result() == null ? null : json.readTree(b.result()));
    }

    /** A back-test as the API shows it; {@code result} holds {@code baseline} and {@code candidate} figures once DONE. */
    record BacktestView(long id, Backtest.Status status, int candidateVersion, int baselineVersion, OffsetDateTime from,
                        OffsetDateTime to, Long storeId, String createdBy, OffsetDateTime createdAt, OffsetDateTime startedAt,
                        OffsetDateTime finishedAt, long receiptsTotal, long receiptsDone, int percent, String error,
                        @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.checkout.Backtests.Outcome.class,
                                description = "When finished: the period, the receipts replayed and both programmes' results")
                        JsonNode result) {
    }
}
