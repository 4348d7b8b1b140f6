package io.patron.analytics.web;

import io.patron.analytics.Analytics;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The dashboard's numbers for BI tools: JSON, or CSV with {@code format=csv}. */
@RestController
@RequestMapping("/api/v1/analytics")
@Tag(name = "Analytics", description = "Measures of the programme from the roll-ups, with comparison periods")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','ANALYST')")
class AnalyticsApiController {

    private final Analytics analytics;
    private final io.patron.analytics.Uplift uplift;
    private final io.patron.program.Programs programs;
    private final io.patron.analytics.Breakdowns breakdowns;
    private final io.patron.analytics.TierHistory tierHistory;
    private final io.patron.segments.Segments segments;
    private final io.patron.journeys.ProgrammeHoldout holdout;

    AnalyticsApiController(Analytics analytics, io.patron.analytics.Uplift uplift, io.patron.program.Programs programs,
                           io.patron.analytics.Breakdowns breakdowns, io.patron.analytics.TierHistory tierHistory,
                           io.patron.segments.Segments segments, io.patron.journeys.ProgrammeHoldout holdout) {
        this.analytics = analytics;
        this.holdout = holdout;
        this.tierHistory = tierHistory;
        this.segments = segments;
        this.breakdowns = breakdowns;
        this.uplift = uplift;
        this.programs = programs;
    }

    @org.springframework.web.bind.annotation.PostMapping("/rollups/catch-up")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Roll up now what is safe to count (rows whose ids were seen a minute ago; the job does it every minute)")
    CaughtUp catchUp() {
        long start = System.nanoTime();
        long rows = analytics.catchUp();
        return new CaughtUp(rows, (System.nanoTime() - start) / 1_000_000);
    }

    /** How many rows the catch-up rolled up, and how long it took. */
    record CaughtUp(long rows, long millis) {
    }

    @GetMapping("/uplift/journeys/{journey}")
    @Operation(summary = "A journey's measured uplift: its mailed occurrences in [from, to] against its held-out ones",
            description = "Set the journey's hold-out share in the admin first; revenue and visits per member in the days after.")
    io.patron.analytics.Uplift.JourneyResult journeyUplift(@org.springframework.web.bind.annotation.PathVariable String journey,
                                                           @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                           @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                                           @RequestParam Optional<Integer> days) {
        new Analytics.Period(from, to);
        return uplift.journey(journey.trim().toUpperCase(java.util.Locale.ROOT), from.atStartOfDay().atOffset(java.time.ZoneOffset.UTC),
                to.plusDays(1).atStartOfDay().atOffset(java.time.ZoneOffset.UTC), days.orElse(30));
    }

    @GetMapping("/uplift/offers/{id}")
    @Operation(summary = "An approved batch of personal offers against its hold-out share, over the days after approval (default 30)")
    io.patron.analytics.Uplift.OfferResult offerUplift(@org.springframework.web.bind.annotation.PathVariable long id,
                                                       @RequestParam Optional<Integer> days) {
        return uplift.offer(id, days.orElse(30));
    }

    @GetMapping("/uplift/programme")
    @Operation(summary = "The programme-wide hold-out's uplift: members enrolled in [from, to] who get marketing against those set aside",
            description = "Each member's purchases in the days after enrolling (default 90); set the hold-out share first "
                    + "(PUT /api/v1/analytics/programme-holdout) and choose a period when it was on.")
    io.patron.analytics.Uplift.ProgrammeResult programmeUplift(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                               @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                                               @RequestParam Optional<Integer> days) {
        new Analytics.Period(from, to);
        return uplift.programme(from.atStartOfDay().atOffset(java.time.ZoneOffset.UTC),
                to.plusDays(1).atStartOfDay().atOffset(java.time.ZoneOffset.UTC), days.orElse(90));
    }

    record HoldoutSetting(Integer newMemberHoldoutPercent) {
    }

    @GetMapping("/programme-holdout")
    @Operation(summary = "The share of new members set aside from all marketing mail (the programme-wide control group)")
    HoldoutSetting holdout() {
        return new HoldoutSetting(holdout.percent());
    }

    @org.springframework.web.bind.annotation.PutMapping("/programme-holdout")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    @Operation(summary = "Set the share of new members (0–50 %) set aside from all marketing mail from now on")
    HoldoutSetting setHoldout(@org.springframework.web.bind.annotation.RequestBody HoldoutSetting setting) {
        if (setting == null || setting.newMemberHoldoutPercent() == null) {
            throw io.patron.common.ProblemException.invalid("newMemberHoldoutPercent", "is required");
        }
        return new HoldoutSetting(holdout.update(setting.newMemberHoldoutPercent()));
    }

    @GetMapping("/rfm")
    @Operation(summary = "RFM classes: members, spend in the last year and share of revenue (as of the last daily computation)")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Breakdowns.RfmShare.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> rfm(@RequestParam Optional<String> format) {
        return rows("rfm", io.patron.analytics.Breakdowns.RfmShare.class, breakdowns.rfm(), format);
    }

    @GetMapping("/referrers")
    @Operation(summary = "Members who brought others, with what those members bought in the months the period touches")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Breakdowns.Referrer.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> referrers(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to, @RequestParam Optional<String> format) {
        return rows("referrers", io.patron.analytics.Breakdowns.Referrer.class, breakdowns.referrers(new Analytics.Period(from, to)), format);
    }

    @GetMapping("/coupons")
    @Operation(summary = "Coupon campaigns (the newest 50): codes issued, codes used, redemption rate")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Breakdowns.CampaignRate.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> coupons(@RequestParam Optional<String> format) {
        return rows("coupons", io.patron.analytics.Breakdowns.CampaignRate.class, breakdowns.coupons(), format);
    }

    @GetMapping("/draws")
    @Operation(summary = "Draws (the newest 50): valid tickets and members taking part")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Breakdowns.DrawParticipation.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> draws(@RequestParam Optional<String> format) {
        return rows("draws", io.patron.analytics.Breakdowns.DrawParticipation.class, breakdowns.draws(), format);
    }

    @GetMapping("/feedback")
    @Operation(summary = "NPS and satisfaction per store for a period of UTC days")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.feedback.Feedback.StoreScore.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> feedback(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                               @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to, @RequestParam Optional<String> format) {
        new Analytics.Period(from, to);
        return rows("feedback", io.patron.feedback.Feedback.StoreScore.class, breakdowns.feedback(from, to), format);
    }

    @GetMapping("/points")
    @Operation(summary = "Points issued, redeemed, taken back and expired in a period (UTC days), breakage, and the liability now")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Analytics.Points.class)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> points(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                             @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to, @RequestParam Optional<String> format) {
        Analytics.Points points = analytics.points(new Analytics.Period(from, to), programs.active().definition().redemption().pointValue());
        if (isCsv(format)) {
            return csv("points", Csv.records(Analytics.Points.class, List.of(points)));
        }
        return ResponseEntity.ok(points);
    }

    @GetMapping("/tiers")
    @Operation(summary = "Tier distribution at the period's end beside the comparison periods' ends, and the moves between tiers in it",
            description = "From the daily record of every member's tier (grace months and VIP tiers included). CSV: the distribution.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.TierHistory.Distribution.class)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> tiers(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to, @RequestParam Optional<String> format) {
        io.patron.analytics.TierHistory.Distribution d = tierHistory.distribution(new Analytics.Period(from, to));
        if (isCsv(format)) {
            return csv("tiers", Csv.records(io.patron.analytics.TierHistory.TierCount.class, d.tiers()));
        }
        return ResponseEntity.ok(d);
    }

    @GetMapping("/tier-movements")
    @Operation(summary = "Members moving from one tier to another in the period, per pair of tiers (at most 200 rows)")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.TierHistory.Movement.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> tierMovements(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                    @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                    @RequestParam Optional<String> format) {
        return rows("tier-movements", io.patron.analytics.TierHistory.Movement.class,
                tierHistory.distribution(new Analytics.Period(from, to)).movements(), format);
    }

    @org.springframework.web.bind.annotation.PostMapping("/tiers/record")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Record every member's tier now (the daily job does it); answers how many moved")
    TiersRecorded recordTiers() {
        long start = System.nanoTime();
        long moved = tierHistory.record();
        return new TiersRecorded(moved, (System.nanoTime() - start) / 1_000_000);
    }

    /** How many members moved tier in the recording, and how long it took. */
    record TiersRecorded(long moved, long millis) {
    }

    @GetMapping("/uplift/newsletters/{id}")
    @Operation(summary = "A sent newsletter's measured uplift: treated against its hold-out group over the days after sending",
            description = "Revenue and visits per member with the 95 % interval of the difference, average checks, a verdict.")
    io.patron.analytics.Uplift.Result uplift(@org.springframework.web.bind.annotation.PathVariable long id,
                                              @RequestParam Optional<Integer> days) {
        return uplift.newsletter(id, days.orElse(30));
    }

    @GetMapping("/summary")
    @Operation(summary = "Measures of a period of local days (both included), with the previous period and the year before",
            description = "With segment (a saved segment's code): the segment's members as it stands now, their purchases in the months "
                    + "the period touches; no anonymous sales, so no participation.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Analytics.Summary.class)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> summary(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                              @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                              @RequestParam Optional<Long> storeId, @RequestParam Optional<String> segment,
                              @RequestParam Optional<String> format) {
        Analytics.Summary s = analytics.summary(new Analytics.Period(from, to), storeId.orElse(null), segment(segment));
        if (format.filter("csv"::equalsIgnoreCase).isPresent()) {
            return csv("summary", Csv.summary(s));
        }
        return ResponseEntity.ok(s);
    }

    @GetMapping("/daily")
    @Operation(summary = "Receipts and sales per day of a period")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Analytics.DayPoint.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> daily(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                            @RequestParam Optional<Long> storeId, @RequestParam Optional<String> format) {
        List<Analytics.DayPoint> days = analytics.daily(new Analytics.Period(from, to), storeId.orElse(null));
        if (format.filter("csv"::equalsIgnoreCase).isPresent()) {
            return csv("daily", Csv.daily(days));
        }
        return ResponseEntity.ok(days);
    }

    @GetMapping("/cohorts")
    @Operation(summary = "Monthly retention cohorts by the month of the first purchase")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "JSON, or CSV with format=csv", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.analytics.Analytics.Cohort.class), maxItems = 10000)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", maxLength = 100000000))})
    ResponseEntity<?> cohorts(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                              @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                              @RequestParam Optional<Long> storeId, @RequestParam Optional<Integer> months,
                              @RequestParam Optional<String> format) {
        new Analytics.Period(from, to);
        List<Analytics.Cohort> cohorts = analytics.cohorts(from, to, storeId.orElse(null), months.orElse(12));
        if (format.filter("csv"::equalsIgnoreCase).isPresent()) {
            return csv("cohorts", Csv.cohorts(cohorts));
        }
        return ResponseEntity.ok(cohorts);
    }

    private io.patron.segments.Segments.MemberSet segment(Optional<String> code) {
        if (code.isEmpty() || code.get().isBlank()) {
            return null;
        }
        if (code.get().length() > 40) {
            throw io.patron.common.ProblemException.invalid("segment", "a saved segment's code");
        }
        return segments.memberSet(segments.byCode(code.get())
                .orElseThrow(() -> io.patron.common.ProblemException.invalid("segment", "a saved segment's code")).definition());
    }

    private static boolean isCsv(Optional<String> format) {
        return format.filter("csv"::equalsIgnoreCase).isPresent();
    }

    private static <T extends Record> ResponseEntity<?> rows(String name, Class<T> type, List<T> rows, Optional<String> format) {
        return isCsv(format) ? csv(name, Csv.records(type, rows)) : ResponseEntity.ok(rows);
    }

    private static ResponseEntity<String> csv(String name, String body) {
        return io.patron.common.Downloads.csv(name, body);
    }
}
