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

    AnalyticsApiController(Analytics analytics, io.patron.analytics.Uplift uplift, io.patron.program.Programs programs,
                           io.patron.analytics.Breakdowns breakdowns) {
        this.analytics = analytics;
        this.breakdowns = breakdowns;
        this.uplift = uplift;
        this.programs = programs;
    }

    @org.springframework.web.bind.annotation.PostMapping("/rollups/catch-up")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Roll up now what is safe to count (rows whose ids were seen a minute ago; the job does it every minute)")
    java.util.Map<String, Long> catchUp() {
        long start = System.nanoTime();
        long rows = analytics.catchUp();
        return java.util.Map.of("rows", rows, "millis", (System.nanoTime() - start) / 1_000_000);
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

    @GetMapping("/rfm")
    @Operation(summary = "RFM classes: members, spend in the last year and share of revenue (as of the last daily computation)")
    List<io.patron.analytics.Breakdowns.RfmShare> rfm() {
        return breakdowns.rfm();
    }

    @GetMapping("/referrers")
    @Operation(summary = "Members who brought others, with what those members bought in the months the period touches")
    List<io.patron.analytics.Breakdowns.Referrer> referrers(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                           @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        return breakdowns.referrers(new Analytics.Period(from, to));
    }

    @GetMapping("/coupons")
    @Operation(summary = "Coupon campaigns (the newest 50): codes issued, codes used, redemption rate")
    List<io.patron.analytics.Breakdowns.CampaignRate> coupons() {
        return breakdowns.coupons();
    }

    @GetMapping("/draws")
    @Operation(summary = "Draws (the newest 50): valid tickets and members taking part")
    List<io.patron.analytics.Breakdowns.DrawParticipation> draws() {
        return breakdowns.draws();
    }

    @GetMapping("/feedback")
    @Operation(summary = "NPS and satisfaction per store for a period of UTC days")
    List<io.patron.feedback.Feedback.StoreScore> feedback(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                                           @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        new Analytics.Period(from, to);
        return breakdowns.feedback(from, to);
    }

    @GetMapping("/points")
    @Operation(summary = "Points issued, redeemed, taken back and expired in a period (UTC days), breakage, and the liability now")
    Analytics.Points points(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        return analytics.points(new Analytics.Period(from, to), programs.active().definition().redemption().pointValue());
    }

    @GetMapping("/uplift/newsletters/{id}")
    @Operation(summary = "A sent newsletter's measured uplift: treated against its hold-out group over the days after sending",
            description = "Revenue and visits per member with the 95 % interval of the difference, average checks, a verdict.")
    io.patron.analytics.Uplift.Result uplift(@org.springframework.web.bind.annotation.PathVariable long id,
                                              @RequestParam Optional<Integer> days) {
        return uplift.newsletter(id, days.orElse(30));
    }

    @GetMapping("/summary")
    @Operation(summary = "Measures of a period of local days (both included), with the previous period and the year before")
    ResponseEntity<?> summary(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                              @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                              @RequestParam Optional<Long> storeId, @RequestParam Optional<String> format) {
        Analytics.Summary s = analytics.summary(new Analytics.Period(from, to), storeId.orElse(null));
        if (format.filter("csv"::equalsIgnoreCase).isPresent()) {
            return csv("summary", Csv.summary(s));
        }
        return ResponseEntity.ok(s);
    }

    @GetMapping("/daily")
    @Operation(summary = "Receipts and sales per day of a period")
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

    private static ResponseEntity<String> csv(String name, String body) {
        return io.patron.common.Downloads.csv(name, body);
    }
}
