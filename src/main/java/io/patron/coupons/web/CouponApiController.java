package io.patron.coupons.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.coupons.Coupon;
import io.patron.coupons.Coupons;
import io.patron.coupons.IssuedCoupon;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Coupon campaigns and codes through the API. */
@RestController
@Tag(name = "Coupons", description = "Coupon campaigns, codes and personal coupons")
class CouponApiController {

    private static final String READ = "hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')";
    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";
    static final int IMPORT_MAX = 100_000;

    private final Coupons coupons;
    private final Members members;
    private final io.patron.segments.Segments segments;

    CouponApiController(Coupons coupons, Members members, io.patron.segments.Segments segments) {
        this.coupons = coupons;
        this.members = members;
        this.segments = segments;
    }

    @PostMapping("/api/v1/coupon-campaigns")
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a coupon campaign", description = "publicCode makes it one code for everyone; otherwise give it "
            + "codes (generate or import) or issue personal coupons.")
    Coupons.CampaignSummary create(@RequestBody Coupons.CampaignRequest request) {
        return coupons.summary(coupons.createCampaign(request).id());
    }

    @GetMapping("/api/v1/coupon-campaigns")
    @PreAuthorize(READ)
    @Operation(summary = "Campaigns with their counts, newest first")
    Page<Coupons.CampaignSummary> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        return coupons.campaigns(new PageRequest(page, size));
    }

    @GetMapping("/api/v1/coupon-campaigns/{id}")
    @PreAuthorize(READ)
    @Operation(summary = "A campaign: codes issued, used, expired unused, and uses")
    Coupons.CampaignSummary get(@PathVariable long id) {
        return coupons.summary(id);
    }

    record GenerateRequest(Integer count) {
    }

    @PostMapping("/api/v1/coupon-campaigns/{id}/codes")
    @PreAuthorize(WRITE)
    @Operation(summary = "Generate unique random codes (up to 1,000,000; about 10 s for a million)")
    CodesGenerated generate(@PathVariable long id, @RequestBody GenerateRequest request) {
        if (request.count() == null) {
            throw ProblemException.invalid("count", "is required");
        }
        return new CodesGenerated(coupons.generate(id, request.count(), n -> { }));
    }

    /** How many codes were generated. */
    record CodesGenerated(long generated) {
    }

    /** How many codes the list had, and how many of them were new. */
    record CodesImported(int read, int added) {
    }

    @PostMapping(value = "/api/v1/coupon-campaigns/{id}/codes/import", consumes = MediaType.TEXT_PLAIN_VALUE)
    @PreAuthorize(WRITE)
    @Operation(summary = "Import codes (a partner's list): one code per line; answers how many were new")
    CodesImported importCodes(@PathVariable long id, @RequestBody String body) {
        List<String> codes = Arrays.stream(body.split("\\R")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (codes.size() > IMPORT_MAX) {
            throw ProblemException.invalid("codes", "at most " + IMPORT_MAX + " codes per request");
        }
        return new CodesImported(codes.size(), coupons.importCodes(id, codes));
    }

    @GetMapping("/api/v1/coupon-campaigns/{id}/codes")
    @PreAuthorize(READ)
    @Operation(summary = "A campaign's codes, optionally those starting with a prefix")
    Page<Coupon> codes(@PathVariable long id, @RequestParam(defaultValue = "") String prefix,
                       @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        coupons.campaign(id);
        return coupons.codes(id, prefix, new PageRequest(page, size));
    }

    @GetMapping(value = "/api/v1/coupon-campaigns/{id}/codes.csv", produces = "text/csv")
    @PreAuthorize(WRITE)
    @Operation(summary = "All codes of a campaign as CSV")
    void export(@PathVariable long id, HttpServletResponse response) throws IOException {
        coupons.campaign(id);
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"coupons-" + id + ".csv\"");
        coupons.exportCsv(id, new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
    }

    @PostMapping("/api/v1/coupon-campaigns/{id}/end")
    @PreAuthorize(WRITE)
    @Operation(summary = "End a campaign: its codes are refused as EXPIRED from now on")
    Coupons.CampaignSummary end(@PathVariable long id) {
        coupons.end(id);
        return coupons.summary(id);
    }

    record IssueRequest(Long memberId) {
    }

    @PostMapping("/api/v1/coupon-campaigns/{id}/issue")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Give a member a personal coupon of the campaign")
    IssuedCoupon issue(@PathVariable long id, @RequestBody IssueRequest request) {
        if (request.memberId() == null) {
            throw ProblemException.invalid("memberId", "is required");
        }
        long member = members.get(new MemberId(request.memberId())).id().value();
        return coupons.give(id, member);
    }

    record SegmentIssueRequest(String segmentCode) {
    }

    @PostMapping("/api/v1/coupon-campaigns/{id}/issue-to-segment")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    @Operation(summary = "Give every member of a segment a personal coupon (members holding an unused one are skipped)")
    SegmentCouponsIssued issueToSegment(@PathVariable long id, @RequestBody SegmentIssueRequest request) {
        coupons.campaign(id);
        var segment = segments.byCode(request.segmentCode())
                .orElseThrow(() -> ProblemException.invalid("segmentCode", "no segment has this code"));
        long[] given = {0};
        long members = segments.forEachBatch(segment.definition(), batch -> given[0] += coupons.giveToMembers(id, batch));
        return new SegmentCouponsIssued(members, given[0]);
    }

    /** The segment's members now, and how many of them were given a coupon. */
    record SegmentCouponsIssued(long members, long issued) {
    }

    @GetMapping("/api/v1/members/{id}/coupons")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    @Operation(summary = "A member's coupons, newest first, each with whether it can be used now")
    List<Coupons.MemberCoupon> ofMember(@PathVariable long id) {
        return coupons.ofMember(members.get(new MemberId(id)).id().value());
    }
}
