package io.patron.segments.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.segments.Segment;
import io.patron.segments.SegmentDefinition;
import io.patron.segments.Segments;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Segments through the API: save, list, count a definition, page through a segment's members. */
@RestController
@Tag(name = "Segments", description = "Saved groups of members")
class SegmentApiController {

    private static final String READ = "hasAnyRole('ADMIN','MARKETER','ANALYST')";
    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Segments segments;

    SegmentApiController(Segments segments) {
        this.segments = segments;
    }

    record SegmentRequest(String name, SegmentDefinition definition) {
    }

    @PutMapping("/api/v1/segments/{code}")
    @PreAuthorize(WRITE)
    @Operation(summary = "Create or replace a segment")
    Segment save(@PathVariable String code, @RequestBody SegmentRequest request) {
        return segments.save(code, request.name(), request.definition());
    }

    @GetMapping("/api/v1/segments")
    @PreAuthorize(READ)
    @Operation(summary = "Every segment (at most 500)")
    List<Segment> list() {
        return segments.list();
    }

    @GetMapping("/api/v1/segments/{code}")
    @PreAuthorize(READ)
    @Operation(summary = "A segment with its member count now")
    SegmentWithCount get(@PathVariable String code) {
        Segment segment = find(code);
        return new SegmentWithCount(segment, segments.count(segment.definition()));
    }

    /** A segment and how many members it holds now. */
    record SegmentWithCount(Segment segment, long members) {
    }

    /** How many members a definition holds now. */
    record SegmentCount(long members) {
    }

    @PostMapping("/api/v1/segments/count")
    @PreAuthorize(READ)
    @Operation(summary = "Count the members of a definition now (the editor's live count)")
    SegmentCount count(@RequestBody SegmentDefinition definition) {
        return new SegmentCount(segments.count(definition));
    }

    @GetMapping("/api/v1/segments/{code}/members")
    @PreAuthorize(READ)
    @Operation(summary = "A page of the segment's member ids")
    Page<Long> members(@PathVariable String code, @RequestParam(defaultValue = "0") int page,
                       @RequestParam(defaultValue = "100") int size) {
        return segments.members(find(code).definition(), new PageRequest(page, size));
    }

    @DeleteMapping("/api/v1/segments/{code}")
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String code) {
        segments.delete(find(code).id());
    }

    private Segment find(String code) {
        return segments.byCode(code).orElseThrow(() -> ProblemException.notFound("SEGMENT_NOT_FOUND", "No segment " + code + "."));
    }
}
