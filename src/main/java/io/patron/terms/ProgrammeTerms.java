package io.patron.terms;

import io.patron.draws.Draws;
import io.patron.program.ActiveProgram;
import io.patron.program.ProgramVersion;
import io.patron.program.Programs;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Service;

/**
 * The terms of the active programme and their history, generated from the programme versions: what a
 * member reads is always what the till applies, and every change of the programme shows up as a change
 * of the terms on the day it took effect.
 */
@Service
public class ProgrammeTerms {

    public static final int HISTORY_MAX = 50;
    private static final int DRAWS_SHOWN = 20;

    private final Programs programs;
    private final Draws draws;
    private final MessageSource messages;
    private final Clock clock;

    ProgrammeTerms(Programs programs, Draws draws, MessageSource messages, Clock clock) {
        this.programs = programs;
        this.draws = draws;
        this.messages = messages;
        this.clock = clock;
    }

    /** The active programme's terms in a language (en, ru, ro, hy). */
    public Terms current(String language) {
        ActiveProgram active = programs.active();
        OffsetDateTime since = programs.activated(1).stream().filter(v -> v.version() == active.version()).findFirst()
                .map(ProgramVersion::activatedAt).orElse(null);
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Terms.OpenDraw> open = draws.list(DRAWS_SHOWN).stream()
                .filter(d -> d.status() == Draws.Status.OPEN && (d.entryTo() == null || d.entryTo().isAfter(now)))
                .map(d -> new Terms.OpenDraw(d.code(), d.name(), d.entryTo())).toList();
        return Terms.of(active.version(), since, active.definition(), language,
                now.atZoneSameInstant(active.definition().zone()).toLocalDate(), open);
    }

    public List<TermsText.Section> text(Terms terms, Locale locale) {
        return new TermsText(messages, locale).sections(terms);
    }

    /** What changed when a version took effect: the sentences it added and those it took away. */
    public record Change(int version, OffsetDateTime since, String comment, List<String> added, List<String> removed) {
    }

    /** The changes of the terms, newest first: each activated version against the one active before it. */
    public List<Change> history(Locale locale) {
        List<ProgramVersion> versions = programs.activated(HISTORY_MAX + 1);
        List<Change> changes = new ArrayList<>();
        TermsText text = new TermsText(messages, locale);
        for (int i = 0; i < versions.size() && i < HISTORY_MAX; i++) {
            ProgramVersion v = versions.get(i);
            LocalDate day = v.activatedAt().toLocalDate();
            Set<String> now = sentences(text, v, locale, day);
            Set<String> before = i + 1 < versions.size() ? sentences(text, versions.get(i + 1), locale, day) : Set.of();
            List<String> added = now.stream().filter(s -> !before.contains(s)).toList();
            List<String> removed = before.stream().filter(s -> !now.contains(s)).toList();
            if (!added.isEmpty() || !removed.isEmpty()) {
                changes.add(new Change(v.version(), v.activatedAt(), v.comment(), added, removed));
            }
        }
        return changes;
    }

    private Set<String> sentences(TermsText text, ProgramVersion v, Locale locale, LocalDate day) {
        Terms terms = Terms.of(v.version(), v.activatedAt(), programs.definition(v.version()), locale.getLanguage(), day, List.of());
        Set<String> all = new LinkedHashSet<>();
        text.sections(terms).forEach(s -> all.addAll(s.sentences()));
        return all;
    }
}
