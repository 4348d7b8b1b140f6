package io.patron.draws.web;

import io.patron.common.ProblemException;
import io.patron.draws.Draws;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The public page of a draw (no sign-in): the commitment from the start, the ticket-list hash and
 * the list itself (pseudonymised) once entries closed, the seed and the winners once drawn — and the
 * same as JSON for the verifier.
 */
@Controller
class PublicDrawController {

    private final Draws draws;

    PublicDrawController(Draws draws) {
        this.draws = draws;
    }

    private Draws.Draw draw(String code) {
        return draws.find(code).orElseThrow(() -> ProblemException.notFound("DRAW_NOT_FOUND", "No draw " + code + "."));
    }

    @GetMapping("/draws/{code}")
    String page(@PathVariable String code, Model model) {
        model.addAttribute("draw", draw(code));
        return "draws/public";
    }

    @GetMapping(value = "/draws/{code}.json", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> json(@PathVariable String code) {
        Draws.Draw d = draw(code);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("code", d.code());
        view.put("name", d.name());
        view.put("status", d.status());
        view.put("entryFrom", d.entryFrom());
        view.put("entryTo", d.entryTo());
        view.put("commitment", d.commitment());
        view.put("ticketsHash", d.ticketsHash());
        view.put("tickets", d.tickets());
        view.put("seed", d.seed());
        view.put("allowMultipleWins", d.allowMultipleWins());
        view.put("prizes", d.prizes());
        view.put("winners", d.winners().stream().map(w -> Map.of("slot", w.slot(), "prize", w.prize(), "ticket", w.ticket(),
                "pseudonym", w.pseudonym())).toList());
        view.put("algorithm", "docs/draws.md: HMAC-SHA-256 counter stream over 'patron-draw:<code>:<i>', rejection sampling");
        return view;
    }

    @GetMapping(value = "/draws/{code}/tickets.txt", produces = "text/plain;charset=UTF-8")
    @ResponseBody
    ResponseEntity<String> tickets(@PathVariable String code) {
        Draws.Draw d = draw(code);
        String list = draws.ticketList(d.id());
        if (list == null) {
            throw ProblemException.notFound("TICKETS_NOT_FROZEN", "The ticket list is published when entries close.");
        }
        return ResponseEntity.ok().header("Content-Disposition", "inline; filename=\"" + d.code() + "-tickets.txt\"").body(list);
    }

}
