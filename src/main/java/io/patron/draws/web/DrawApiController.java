package io.patron.draws.web;

import io.patron.draws.Draws;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Prize draws through the API: create, close (freeze the tickets), draw, hand prizes over; members' tickets. */
@RestController
@Tag(name = "Draws", description = "Prize draws with tickets per purchase, provably fair")
class DrawApiController {

    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Draws draws;
    private final Members members;

    DrawApiController(Draws draws, Members members) {
        this.draws = draws;
        this.members = members;
    }

    @PostMapping("/api/v1/draws")
    @PreAuthorize(WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a draw", description = "A secret seed is generated; its SHA-256 (the commitment) is public at once.")
    Draws.Draw create(@RequestBody Draws.DrawRequest request) {
        return draws.create(request);
    }

    @GetMapping("/api/v1/draws")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')")
    @Operation(summary = "Draws, newest first (at most 100)")
    List<Draws.Draw> list() {
        return draws.list(100);
    }

    @GetMapping("/api/v1/draws/{id}")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')")
    Draws.Draw get(@PathVariable long id) {
        return draws.get(id);
    }

    @PostMapping("/api/v1/draws/{id}/close")
    @PreAuthorize(WRITE)
    @Operation(summary = "Close entries: the ticket list is frozen and its hash published")
    Draws.Draw close(@PathVariable long id) {
        return draws.close(id);
    }

    @PostMapping("/api/v1/draws/{id}/draw")
    @PreAuthorize(WRITE)
    @Operation(summary = "Draw: reveal the seed and pick the winners, once")
    Draws.Draw draw(@PathVariable long id) {
        return draws.draw(id);
    }

    @PostMapping("/api/v1/draws/{id}/winners/{slot}/hand-over")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    @Operation(summary = "Record that a prize was handed over")
    Draws.Draw handOver(@PathVariable long id, @PathVariable int slot) {
        return draws.handOver(id, slot);
    }

    @GetMapping("/api/v1/members/{id}/draw-tickets")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    @Operation(summary = "A member's tickets per draw and what they won")
    List<Draws.MemberTickets> ofMember(@PathVariable long id) {
        return draws.ofMember(members.get(new MemberId(id)).id().value());
    }
}
