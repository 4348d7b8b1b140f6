package io.patron.sms;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Language;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The texts of Patron's text messages, per kind and language: built in (the message bundles'
 * {@code sms.<kind>}) or a marketer's version saved in the admin, with {@code {{variable}}}
 * placeholders filled by plain substitution. The editor counts the encoding and parts as the member's
 * phone will receive them.
 */
@Service
public class SmsTemplates {

    /** The kinds of text message Patron sends, each with the placeholders it fills. */
    public static final Map<String, List<String>> KINDS = new java.util.LinkedHashMap<>();

    static {
        List<String> journey = List.of("name", "card", "balance", "tier", "coupon", "link", "extra");
        KINDS.put("redemption-code", List.of("code", "points", "minutes"));
        KINDS.put("sign-in-code", List.of("code", "minutes"));
        for (String kind : List.of("welcome", "first-purchase", "birthday", "survey", "win-back", "points-expiring", "tier-upgrade",
                "draw-results")) {
            KINDS.put("journey-" + kind, journey);
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z]+)\\s*}}");

    private final JdbcClient jdbc;
    private final MessageSource messages;
    private final AuditLog audit;
    private final Clock clock;

    SmsTemplates(JdbcClient jdbc, MessageSource messages, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.messages = messages;
        this.audit = audit;
        this.clock = clock;
    }

    public record Template(String kind, Language language, String body, boolean edited, OffsetDateTime updatedAt, String updatedBy) {
    }

    /** The text a kind is sent with in a language: the marketer's version, else the built-in one. */
    public Template source(String kind, Language language) {
        requireKind(kind);
        return jdbc.sql("SELECT * FROM sms_templates WHERE kind = :k AND language = :l").param("k", kind).param("l", language.name())
                .query((rs, i) -> new Template(kind, language, rs.getString("body"), true, rs.getObject("updated_at", OffsetDateTime.class),
                        rs.getString("updated_by"))).optional()
                .orElseGet(() -> new Template(kind, language, builtIn(kind, language), false, null, null));
    }

    public String builtIn(String kind, Language language) {
        return messages.getMessage("sms." + kind, null, Locale.forLanguageTag(language.name()));
    }

    /** The message for a member: the kind's text in their language with the values put in. */
    public String render(String kind, Language language, Map<String, String> values) {
        return fill(source(kind, language).body(), values);
    }

    @Transactional
    public Template save(String kind, Language language, String body) {
        requireKind(kind);
        body = body == null ? null : body.replace("\r\n", "\n").strip();
        Validation v = new Validation();
        if (body == null || body.isBlank() || body.length() > Sms.TEXT_MAX) {
            v.reject("body", "is required, at most " + Sms.TEXT_MAX + " characters");
        } else {
            Matcher m = PLACEHOLDER.matcher(body);
            while (m.find()) {
                if (!KINDS.get(kind).contains(m.group(1))) {
                    v.reject("body", "unknown placeholder {{" + m.group(1) + "}}; known: " + String.join(", ", KINDS.get(kind)));
                }
            }
            if (KINDS.get(kind).contains("code") && !body.contains("{{code}}")) {
                v.reject("body", "must contain {{code}}");
            }
            if (SmsText.segments(fill(body, sample(kind))).parts() > SmsText.MAX_PARTS) {
                v.reject("body", "longer than " + SmsText.MAX_PARTS + " parts");
            }
        }
        v.throwIfInvalid();
        Template before = source(kind, language);
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (before.edited()) {
            jdbc.sql("UPDATE sms_templates SET body = :b, updated_at = :at, updated_by = :by WHERE kind = :k AND language = :l")
                    .param("b", body).param("at", now).param("by", Callers.actorName()).param("k", kind).param("l", language.name()).update();
        } else {
            jdbc.sql("INSERT INTO sms_templates (kind, language, body, updated_at, updated_by) VALUES (:k, :l, :b, :at, :by)")
                    .param("b", body).param("at", now).param("by", Callers.actorName()).param("k", kind).param("l", language.name()).update();
        }
        Template after = source(kind, language);
        audit.record("SMS_TEMPLATE_SAVED", "sms_template", kind + "/" + language.name(), before, after);
        return after;
    }

    /** Brings the built-in text back. */
    @Transactional
    public void reset(String kind, Language language) {
        Template before = source(kind, language);
        if (!before.edited()) {
            return;
        }
        jdbc.sql("DELETE FROM sms_templates WHERE kind = :k AND language = :l").param("k", kind).param("l", language.name()).update();
        audit.record("SMS_TEMPLATE_RESET", "sms_template", kind + "/" + language.name(), before, null);
    }

    /** Values of the right length for a kind's placeholders: what the editor counts parts with. */
    public static Map<String, String> sample(String kind) {
        return Map.of("code", "123456", "points", "250", "minutes", "5", "name", "Anna", "card", "2000000000015",
                "balance", "1250", "tier", "Gold", "coupon", "GIFT-7KQ2", "link", "https://patron.example/portal", "extra", "2026-12-31");
    }

    public static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void requireKind(String kind) {
        if (kind == null || !KINDS.containsKey(kind)) {
            throw ProblemException.notFound("SMS_TEMPLATE_NOT_FOUND", "No text message of this kind.");
        }
    }

    public Optional<String> kindOf(String value) {
        return KINDS.containsKey(value) ? Optional.of(value) : Optional.empty();
    }
}
