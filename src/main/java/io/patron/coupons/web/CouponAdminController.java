package io.patron.coupons.web;

import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.coupons.Campaign;
import io.patron.coupons.Coupons;
import io.patron.members.MemberId;
import io.patron.members.Members;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutorService;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Coupon campaigns in the admin: the list with counts, a form for a new campaign, and a page per
 * campaign to generate codes (in the background, with a progress bar), import a partner's codes,
 * search codes, export them as CSV and give a member a coupon.
 */
@Controller
@RequestMapping("/admin/coupons")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')")
class CouponAdminController {

    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Coupons coupons;
    private final Members members;
    private final io.patron.segments.Segments segments;
    /** Generation jobs of this instance: campaign id → codes made so far (-1 once finished). */
    private final Map<Long, AtomicLong> generating = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<Long, Long> requested = Collections.synchronizedMap(new LinkedHashMap<>());
    private final ExecutorService executor = new DelegatingSecurityContextExecutorService(Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "coupon-codes");
        t.setDaemon(true);
        return t;
    }));

    CouponAdminController(Coupons coupons, Members members, io.patron.segments.Segments segments) {
        this.coupons = coupons;
        this.members = members;
        this.segments = segments;
    }

    @GetMapping
    String list(@RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("campaigns", coupons.campaigns(new PageRequest(Math.max(0, page), 20)));
        model.addAttribute("types", Campaign.EffectType.values());
        model.addAttribute("stackings", Campaign.Stacking.values());
        return "coupons/list";
    }

    /** The new-campaign form as posted (dates are days in UTC; lists are comma-separated). */
    record CampaignForm(String code, String name, Campaign.EffectType effectType, BigDecimal effectValue, String freeSku,
                        Integer usesPerCode, Integer usesPerMember, LocalDate validFrom, LocalDate validTo, Integer validDays,
                        BigDecimal minBasket, String stores, String categories, String skus, Campaign.Stacking stacking,
                        String partner, String publicCode) {
        Coupons.CampaignRequest request() {
            return new Coupons.CampaignRequest(code, name, effectType, effectValue, freeSku, usesPerCode, usesPerMember,
                    validFrom == null ? null : validFrom.atStartOfDay().atOffset(ZoneOffset.UTC),
                    validTo == null ? null : validTo.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC), validDays, minBasket,
                    split(stores), split(categories), split(skus), stacking, partner, publicCode);
        }

        private static List<String> split(String value) {
            return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    @PostMapping
    @PreAuthorize(WRITE)
    String create(CampaignForm form, Model model) {
        try {
            return "redirect:/admin/coupons/" + coupons.createCampaign(form.request()).id();
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            model.addAttribute("form", form);
            return list(0, model);
        }
    }

    @GetMapping("/{id}")
    String page(@PathVariable long id, @RequestParam(defaultValue = "") String code, @RequestParam(defaultValue = "0") int page,
                Model model) {
        model.addAttribute("summary", coupons.summary(id));
        model.addAttribute("codes", coupons.codes(id, code, new PageRequest(Math.max(0, page), 50)));
        model.addAttribute("search", code);
        model.addAttribute("segments", segments.list());
        progress(id, model);
        return "coupons/page";
    }

    private void progress(long id, Model model) {
        AtomicLong made = generating.get(id);
        model.addAttribute("generating", made != null && made.get() >= 0);
        model.addAttribute("made", made == null ? 0 : Math.max(0, made.get()));
        long wanted = requested.getOrDefault(id, 0L);
        model.addAttribute("wanted", wanted);
        model.addAttribute("percent", made == null || wanted == 0 ? 0 : made.get() < 0 ? 100 : (int) (made.get() * 100 / wanted));
    }

    @GetMapping("/{id}/progress")
    String generation(@PathVariable long id, Model model, HttpServletResponse response) {
        AtomicLong made = generating.get(id);
        if (made != null && made.get() < 0) {
            // Finished: the whole page is shown again, with the new codes in its table.
            generating.remove(id);
            response.setHeader("HX-Refresh", "true");
        }
        model.addAttribute("summary", coupons.summary(id));
        progress(id, model);
        return "coupons/page :: generation";
    }

    @PostMapping("/{id}/generate")
    @PreAuthorize(WRITE)
    String generate(@PathVariable long id, @RequestParam int count, RedirectAttributes redirect) {
        coupons.campaign(id);
        if (count < 1 || count > Coupons.GENERATE_MAX) {
            redirect.addFlashAttribute("problem", "coupons.generate.count");
            return "redirect:/admin/coupons/" + id;
        }
        AtomicLong made = new AtomicLong();
        generating.put(id, made);
        requested.put(id, (long) count);
        executor.submit(() -> {
            try {
                coupons.generate(id, count, made::set);
            } finally {
                made.set(-1);
            }
        });
        return "redirect:/admin/coupons/" + id;
    }

    @PostMapping("/{id}/import")
    @PreAuthorize(WRITE)
    String importCodes(@PathVariable long id, @RequestParam String codes, RedirectAttributes redirect) {
        List<String> list = Arrays.stream(codes.split("\\R")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (list.size() > CouponApiController.IMPORT_MAX) {
            throw ProblemException.invalid("codes", "at most " + CouponApiController.IMPORT_MAX + " codes at a time");
        }
        redirect.addFlashAttribute("imported", coupons.importCodes(id, list));
        return "redirect:/admin/coupons/" + id;
    }

    @PostMapping("/{id}/issue")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    String issue(@PathVariable long id, @RequestParam long memberId, RedirectAttributes redirect) {
        long member = members.get(new MemberId(memberId)).id().value();
        redirect.addFlashAttribute("issued", coupons.give(id, member).code());
        return "redirect:/admin/coupons/" + id;
    }

    /** Gives every member of a segment a coupon, in the background; the counts on the page grow as it goes. */
    @PostMapping("/{id}/segment")
    @PreAuthorize(WRITE)
    String toSegment(@PathVariable long id, @RequestParam String segmentCode, RedirectAttributes redirect) {
        coupons.campaign(id);
        var segment = segments.byCode(segmentCode).orElseThrow(() -> ProblemException.invalid("segmentCode", "no such segment"));
        executor.submit(() -> segments.forEachBatch(segment.definition(), batch -> coupons.giveToMembers(id, batch)));
        redirect.addFlashAttribute("segmentStarted", segment.code());
        return "redirect:/admin/coupons/" + id;
    }

    @PostMapping("/{id}/end")
    @PreAuthorize(WRITE)
    String end(@PathVariable long id) {
        coupons.end(id);
        return "redirect:/admin/coupons/" + id;
    }

    @GetMapping("/{id}/codes.csv")
    @PreAuthorize(WRITE)
    void export(@PathVariable long id, HttpServletResponse response) throws IOException {
        coupons.campaign(id);
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"coupons-" + id + ".csv\"");
        coupons.exportCsv(id, new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    @GetMapping("/lookup")
    String lookup(@RequestParam String code) {
        return coupons.find(code).map(c -> "redirect:/admin/coupons/" + c.campaignId() + "?code=" + c.code())
                .orElse("redirect:/admin/coupons?notFound=1");
    }
}
