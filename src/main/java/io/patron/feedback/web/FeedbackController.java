package io.patron.feedback.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.feedback.Feedback;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The feedback forms people answer: from an e-mail link (signed, single use), a store's public page
 * (anonymous), and the portal (the signed-in member).
 */
@Controller
class FeedbackController {

    private final Feedback feedback;
    private final Stores stores;

    FeedbackController(Feedback feedback, Stores stores) {
        this.feedback = feedback;
        this.stores = stores;
    }

    @GetMapping("/feedback/t/{token}")
    String invited(@PathVariable String token, Model model) {
        try {
            model.addAttribute("kind", feedback.invitation(token).kind());
        } catch (ProblemException e) {
            model.addAttribute("invalid", true);
            return "feedback/thanks";
        }
        model.addAttribute("action", "/feedback/t/" + token);
        return "feedback/form";
    }

    @PostMapping("/feedback/t/{token}")
    String answerInvited(@PathVariable String token, @RequestParam(required = false) Integer score,
                         @RequestParam(required = false) String comment, Model model) {
        try {
            feedback.answer(token, score, comment);
            return "feedback/thanks";
        } catch (ProblemException e) {
            if (e.errors().isEmpty()) {
                model.addAttribute("invalid", true);
                return "feedback/thanks";
            }
            return again(model, feedback.invitation(token).kind(), "/feedback/t/" + token, e);
        }
    }

    @GetMapping("/feedback/store/{code}")
    String atStore(@PathVariable String code, @RequestParam(defaultValue = "NPS") Feedback.Kind kind, Model model) {
        Store store = store(code);
        model.addAttribute("kind", kind);
        model.addAttribute("store", store);
        model.addAttribute("action", "/feedback/store/" + store.code() + "?kind=" + kind);
        return "feedback/form";
    }

    @PostMapping("/feedback/store/{code}")
    String answerAtStore(@PathVariable String code, @RequestParam Feedback.Kind kind, @RequestParam(required = false) Integer score,
                         @RequestParam(required = false) String comment, Model model) {
        Store store = store(code);
        // A store's page is anonymous: a card number typed there proves nothing about who answers, so an
        // answer is never put to a member's name from here (the portal and the e-mail link are signed).
        try {
            feedback.answer(kind, score, comment, Feedback.Channel.STORE, null, store.id().value());
            return "feedback/thanks";
        } catch (ProblemException e) {
            model.addAttribute("store", store);
            return again(model, kind, "/feedback/store/" + store.code() + "?kind=" + kind, e);
        }
    }

    @GetMapping("/portal/feedback")
    String portal(@RequestParam(defaultValue = "NPS") Feedback.Kind kind, Model model) {
        model.addAttribute("kind", kind);
        model.addAttribute("portal", true);
        model.addAttribute("action", "/portal/feedback?kind=" + kind);
        return "feedback/form";
    }

    @PostMapping("/portal/feedback")
    String answerInPortal(@RequestParam Feedback.Kind kind, @RequestParam(required = false) Integer score,
                          @RequestParam(required = false) String comment, Model model) {
        Caller.Member caller = Callers.member();
        try {
            feedback.answer(kind, score, comment, Feedback.Channel.PORTAL, caller.memberId(), null);
            model.addAttribute("portal", true);
            return "feedback/thanks";
        } catch (ProblemException e) {
            model.addAttribute("portal", true);
            return again(model, kind, "/portal/feedback?kind=" + kind, e);
        }
    }

    private static String again(Model model, Feedback.Kind kind, String action, ProblemException e) {
        model.addAttribute("kind", kind);
        model.addAttribute("action", action);
        model.addAttribute("errors", e.violations());
        return "feedback/form";
    }

    private Store store(String code) {
        return stores.findByCode(code.toUpperCase()).orElseThrow(() -> ProblemException.notFound("STORE_NOT_FOUND", "No store " + code + "."));
    }
}
