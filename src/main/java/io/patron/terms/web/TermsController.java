package io.patron.terms.web;

import io.patron.common.Language;
import io.patron.common.ProblemException;
import io.patron.terms.ProgrammeTerms;
import io.patron.terms.Terms;
import io.patron.terms.TermsText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The programme's terms: a public page (anyone, in the chosen language), the same in the member
 * portal (in the member's language), the history of changes, and both as JSON for apps and tills.
 */
@Controller
@Tag(name = "Programme terms", description = "The active programme's terms in words, generated from the programme document")
class TermsController {

    private final ProgrammeTerms terms;

    TermsController(ProgrammeTerms terms) {
        this.terms = terms;
    }

    @GetMapping("/terms")
    String page(Model model) {
        return page(model, false);
    }

    @GetMapping("/portal/terms")
    String portalPage(Model model) {
        return page(model, true);
    }

    private String page(Model model, boolean portal) {
        Locale locale = Language.of(LocaleContextHolder.getLocale()).locale();
        Terms current = terms.current(locale.getLanguage());
        model.addAttribute("terms", current);
        model.addAttribute("sections", terms.text(current, locale));
        model.addAttribute("portal", portal);
        return "terms/terms";
    }

    @GetMapping({"/terms/history", "/portal/terms/history"})
    String history(Model model, jakarta.servlet.http.HttpServletRequest request) {
        Locale locale = Language.of(LocaleContextHolder.getLocale()).locale();
        model.addAttribute("changes", terms.history(locale));
        model.addAttribute("portal", request.getRequestURI().startsWith(request.getContextPath() + "/portal"));
        return "terms/history";
    }

    /** The terms as numbers and as sentences in one language. */
    record TermsDocument(String language, Terms terms, List<TermsText.Section> sections) {
    }

    @GetMapping("/api/v1/terms")
    @ResponseBody
    @Operation(summary = "The active programme's terms: its numbers and the same in sentences (en, ru, ro or hy); no key needed")
    TermsDocument api(@RequestParam Optional<String> language) {
        Language l = language(language);
        Terms current = terms.current(l.name());
        return new TermsDocument(l.name(), current, terms.text(current, l.locale()));
    }

    @GetMapping("/api/v1/terms/history")
    @ResponseBody
    @Operation(summary = "What changed in the terms when each programme version took effect, newest first (at most 50); no key needed")
    List<ProgrammeTerms.Change> apiHistory(@RequestParam Optional<String> language) {
        return terms.history(language(language).locale());
    }

    private static Language language(Optional<String> language) {
        return language.map(l -> Language.parse(l).orElseThrow(() -> ProblemException.invalid("language", "en, ru, ro or hy")))
                .orElse(Language.en);
    }
}
