package io.patron.checkout.web;

import io.patron.checkout.Backtest;
import io.patron.checkout.Backtests;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.program.Programs;
import io.patron.stores.Stores;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/** Back-tests in the admin: start one from a form, watch it run, compare the two programmes side by side with charts. */
@Controller
@RequestMapping("/admin/backtests")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','ANALYST')")
class BacktestAdminController {

    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Backtests backtests;
    private final Programs programs;
    private final Stores stores;
    private final JsonMapper json;

    BacktestAdminController(Backtests backtests, Programs programs, Stores stores, JsonMapper json) {
        this.backtests = backtests;
        this.programs = programs;
        this.stores = stores;
        this.json = json;
    }

    @GetMapping
    String list(@RequestParam(defaultValue = "0") int page, Model model) {
        if (!model.containsAttribute("form")) {
            LocalDate today = LocalDate.now(programs.active().definition().zone());
            model.addAttribute("form", new Form(null, programs.active().version(), today.minusMonths(12), today, ""));
        }
        model.addAttribute("active", programs.active().version());
        model.addAttribute("versions", programs.versions(new PageRequest(0, 50)).items());
        model.addAttribute("stores", stores.list(new PageRequest(0, Page.SIZE_MAX)).items());
        model.addAttribute("backtests", backtests.list(new PageRequest(Math.max(0, page), 20)));
        return "backtests/list";
    }

    /** The form as posted. */
    record Form(Integer candidateVersion, Integer baselineVersion, LocalDate from, LocalDate to, String storeCode) {
    }

    @PostMapping
    @PreAuthorize(WRITE)
    String start(Form form, Model model) {
        try {
            Backtest started = backtests.start(new Backtests.Request(form.candidateVersion(), form.baselineVersion(), form.from(),
                    form.to(), form.storeCode()));
            return "redirect:/admin/backtests/" + started.id();
        } catch (ProblemException e) {
            model.addAttribute("form", form);
            model.addAttribute("errors", e.violations());
            return list(0, model);
        }
    }

    @GetMapping("/{id}")
    String page(@PathVariable long id, @RequestHeader(value = "HX-Request", required = false) String htmx, Model model) {
        Backtest backtest = backtests.get(id);
        model.addAttribute("backtest", backtest);
        if (backtest.result() != null) {
            Map<?, ?> result = json.readerFor(Map.class).with(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readValue(backtest.result());
            model.addAttribute("result", result);
            model.addAttribute("metrics", metrics((Map<?, ?>) result.get("baseline"), (Map<?, ?>) result.get("candidate")));
            model.addAttribute("chartData", io.patron.common.ScriptJson.escape(backtest.result()));
        }
        return htmx != null ? "backtests/page :: status" : "backtests/page";
    }

    static final List<String> METRICS = List.of("receipts", "memberReceipts", "affectedReceipts", "subtotal", "discountTotal",
            "averageDiscountPerReceipt", "pointsIssued", "pointsReversed", "pointsExpired", "liabilityPoints", "liabilityMoney");

    /** A line of the comparison: the metric in both programmes and the candidate's difference. */
    record MetricRow(String metric, String baseline, String candidate, String difference) {
    }

    private static List<MetricRow> metrics(Map<?, ?> baseline, Map<?, ?> candidate) {
        return METRICS.stream().map(m -> {
            java.math.BigDecimal b = new java.math.BigDecimal(String.valueOf(baseline.get(m)));
            java.math.BigDecimal c = new java.math.BigDecimal(String.valueOf(candidate.get(m)));
            java.math.BigDecimal d = c.subtract(b);
            return new MetricRow(m, b.toPlainString(), c.toPlainString(), (d.signum() > 0 ? "+" : "") + d.toPlainString());
        }).toList();
    }

    @PostMapping("/{id}/cancel")
    @PreAuthorize(WRITE)
    String cancel(@PathVariable long id) {
        backtests.cancel(id);
        return "redirect:/admin/backtests/" + id;
    }

    @GetMapping(value = "/{id}.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> download(@PathVariable long id) {
        Backtest backtest = backtests.get(id);
        if (backtest.result() == null) {
            throw ProblemException.notFound("BACKTEST_NOT_DONE", "Back-test " + id + " has no figures (yet).");
        }
        return ResponseEntity.ok().header("Content-Disposition", "attachment; filename=\"backtest-" + id + ".json\"")
                .body(backtest.result());
    }
}
