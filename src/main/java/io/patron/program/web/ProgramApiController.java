package io.patron.program.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.program.ActiveProgram;
import io.patron.program.ProgramChange;
import io.patron.program.ProgramVersion;
import io.patron.program.Programs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The programme as one document: read it, replace it (a new version, active at once or as a draft),
 * list and compare versions, activate one (an older one is a roll-back), read the JSON Schema.
 */
@RestController
@RequestMapping("/api/v1/program")
@Tag(name = "Programme", description = "The versioned programme document and its JSON Schema")
class ProgramApiController {

    private static final String READ = "hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')";
    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Programs programs;

    ProgramApiController(Programs programs) {
        this.programs = programs;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(READ)
    @Operation(summary = "The active programme document", description = "Its version is in the Program-Version header and the ETag.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The active programme document",
            headers = {@io.swagger.v3.oas.annotations.headers.Header(name = "Program-Version", description = "The active version", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "integer")),
                    @io.swagger.v3.oas.annotations.headers.Header(name = "ETag", description = "\"v<version>\"", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string"))},
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.program.ProgramDefinition.class)))
    ResponseEntity<String> active() {
        ActiveProgram active = programs.active();
        return ResponseEntity.ok().eTag("\"v" + active.version() + "\"").header("Program-Version", String.valueOf(active.version()))
                .body(programs.documentJson(active.version()));
    }

    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(WRITE)
    @Operation(summary = "Replace the programme", description = "Stores the document as a new version; active at once unless draft=true.")
    ProgramVersion replace(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "The programme document (its JSON Schema: GET /api/v1/program/schema)",
                                   content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.program.ProgramDefinition.class)))
                           @RequestBody String document, @RequestParam Optional<String> comment,
                           @RequestParam(defaultValue = "false") boolean draft) {
        return programs.save(document, comment.orElse(null), !draft);
    }

    @GetMapping(value = "/schema", produces = "application/schema+json")
    @PreAuthorize(READ)
    @Operation(summary = "The JSON Schema of the programme document")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "A JSON Schema (draft 2020-12)",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/schema+json", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "A JSON Schema document")))
    String schema() {
        return programs.schema();
    }

    @GetMapping("/versions")
    @PreAuthorize(READ)
    Page<ProgramVersion> versions(@RequestParam Optional<Integer> page, @RequestParam Optional<Integer> size) {
        return programs.versions(PageRequest.of(page.orElse(null), size.orElse(null), 50));
    }

    @GetMapping(value = "/versions/{version}", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(READ)
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The programme document of that version",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.program.ProgramDefinition.class)))
    String version(@PathVariable int version) {
        return programs.documentJson(version);
    }

    @PostMapping("/versions/{version}/activate")
    @PreAuthorize(WRITE)
    @Operation(summary = "Activate a version", description = "Activating an older version rolls the programme back to it.")
    ProgramVersion activate(@PathVariable int version) {
        return programs.activate(version);
    }

    @GetMapping("/diff")
    @PreAuthorize(READ)
    @Operation(summary = "What changed between two versions, field by field")
    List<ProgramChange> diff(@RequestParam int from, @RequestParam int to) {
        return programs.diff(from, to);
    }
}
