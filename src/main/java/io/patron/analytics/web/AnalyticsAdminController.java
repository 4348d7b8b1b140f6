package io.patron.analytics.web;

import io.patron.analytics.Analytics;
import io.patron.common.ProblemException;
import io.patron.stores.Stores;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The analytics dashboard: a period (last 30 days by default), a store or all, a comparison, charts and tables. */
@Controller
@RequestMapping("/admin/analytics")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','ANALYST')")
class AnalyticsAdminController {

    private final Analytics analytics;
    private final Stores stores;
    private final java.time.Clock clock;
    private final tools.jackson.databind.json.JsonMapper json;
    private final io.patron.analytics.Uplift uplift;
    private final io.patron.program.Programs programs;
    private final io.patron.analytics.Breakdowns breakdowns;
    private final io.patron.analytics.TierHistory tierHistory;
    private final io.patron.segments.Segments segments;

    AnalyticsAdminController(Analytics analytics, Stores stores, java.time.Clock clock, tools.jackson.databind.json.JsonMapper json,
                             io.patron.analytics.Uplift uplift, io.patron.program.Programs programs,
                             io.patron.analytics.Breakdowns breakdowns, io.patron.analytics.TierHistory tierHistory,
                             io.patron.segments.Segments segments) {
        this.analytics = analytics;
        this.tierHistory = tierHistory;
        this.segments = segments;
        this.breakdowns = breakdowns;
        this.programs = programs;
        this.uplift = uplift;
        this.json = json;
        this.stores = stores;
        this.clock = clock;
    }

    @GetMapping
    String dashboard(@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                     @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                     @RequestParam(required = false) Long storeId, @RequestParam(defaultValue = "previous") String compare,
                     @RequestParam(required = false) String segment, Model model) {
        LocalDate today = java.time.OffsetDateTime.now(clock).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
        LocalDate end = to == null ? today : to;
        LocalDate start = from == null ? end.minusDays(29) : from;
        Analytics.Period period;
        try {
            period = new Analytics.Period(start, end);
        } catch (ProblemException e) {
            period = new Analytics.Period(end.minusDays(29), end);
            model.addAttribute("problem", e.violations().getFirst().message());
        }
        var chosen = segment == null || segment.isBlank() ? java.util.Optional.<io.patron.segments.Segment>empty() : segments.byCode(segment);
        Analytics.Summary summary = analytics.summary(period, storeId, chosen.map(c -> segments.memberSet(c.definition())).orElse(null));
        model.addAttribute("segment", chosen.map(io.patron.segments.Segment::code).orElse(null));
        model.addAttribute("segments", segments.list());
        var tiers = tierHistory.distribution(period);
        model.addAttribute("tiers", tiers);
        model.addAttribute("summary", summary);
        model.addAttribute("other", "year".equals(compare) ? summary.yearBefore() : summary.previous());
        model.addAttribute("compare", "year".equals(compare) ? "year" : "previous");
        model.addAttribute("from", period.from());
        model.addAttribute("to", period.to());
        model.addAttribute("storeId", storeId);
        model.addAttribute("stores", stores.list(new io.patron.common.PageRequest(0, 200)).items());
        var daily = analytics.daily(period, storeId);
        var cohorts = analytics.cohorts(period.from().minusMonths(11), period.to(), storeId, 12);
        model.addAttribute("cohorts", cohorts);
        model.addAttribute("uplifts", uplift.recent(10, 30));
        model.addAttribute("programmeUplift", uplift.programmeHoldoutUsed() ? uplift.programme(period.from().atStartOfDay().atOffset(ZoneOffset.UTC),
                period.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC), 90) : null);
        model.addAttribute("rfm", breakdowns.rfm());
        model.addAttribute("referrers", breakdowns.referrers(period));
        model.addAttribute("campaigns", breakdowns.coupons());
        model.addAttribute("drawRows", breakdowns.draws());
        model.addAttribute("scores", breakdowns.feedback(period.from(), period.to()));
        model.addAttribute("points", analytics.points(period, programs.active().definition().redemption().pointValue()));
        model.addAttribute("chartData", io.patron.common.ScriptJson.escape(json.writeValueAsString(java.util.Map.of(
                "days", daily.stream().map(d -> d.day().toString()).toList(),
                "memberSales", daily.stream().map(Analytics.DayPoint::memberSales).toList(),
                "anonymousSales", daily.stream().map(d -> d.sales().subtract(d.memberSales())).toList(),
                "participation", daily.stream().map(d -> d.receipts() == 0 ? 0 : 100.0 * d.memberReceipts() / d.receipts()).toList(),
                "tiers", tiers.tiers().stream().map(io.patron.analytics.TierHistory.TierCount::tier).toList(),
                "tierMembers", tiers.tiers().stream().map(io.patron.analytics.TierHistory.TierCount::members).toList()))));
        return "analytics/dashboard";
    }
}
