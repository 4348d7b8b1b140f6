package io.patron.messaging;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Language;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.util.HtmlUtils;

/**
 * Mail templates edited in the admin, per name and language: a subject, a plain-text body and an
 * optional HTML body with {@code {{variable}}} placeholders ({@link #VARIABLES}). An edited template
 * replaces the built-in mail of that name in that language; deleting it brings the built-in one back.
 * Placeholders are plain substitution (HTML-escaped in the HTML body), never template code.
 */
@Service
public class MailTemplates {

    public static final List<String> VARIABLES = List.of("name", "card", "balance", "tier", "coupon", "link", "extra", "unsubscribe");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{1,39}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z]+)\\s*}}");
    private static final int BODY_MAX = 100_000;

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    MailTemplates(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    public record Template(String name, Language language, String subject, String text, String html, OffsetDateTime updatedAt,
                           String updatedBy) {
    }

    public Optional<Template> find(String name, Language language) {
        return jdbc.sql("SELECT * FROM mail_templates WHERE name = :n AND language = :l").param("n", name).param("l", language.name())
                .query((rs, i) -> new Template(rs.getString("name"), Language.valueOf(rs.getString("language")), rs.getString("subject"),
                        rs.getString("body_text"), rs.getString("body_html"), rs.getObject("updated_at", OffsetDateTime.class),
                        rs.getString("updated_by"))).optional();
    }

    public List<Template> list() {
        return jdbc.sql("SELECT * FROM mail_templates ORDER BY name, language LIMIT 1000")
                .query((rs, i) -> new Template(rs.getString("name"), Language.valueOf(rs.getString("language")), rs.getString("subject"),
                        rs.getString("body_text"), rs.getString("body_html"), rs.getObject("updated_at", OffsetDateTime.class),
                        rs.getString("updated_by"))).list();
    }

    /** Names of the edited templates (a newsletter is sent with one of these). */
    public List<String> names() {
        return jdbc.sql("SELECT DISTINCT name FROM mail_templates ORDER BY name LIMIT 1000").query(String.class).list();
    }

    /** Checks a template's parts as {@link #save} would, without saving (a preview of the form). */
    public void check(String subject, String text, String html) {
        Validation v = new Validation();
        checkParts(v, subject, text, html);
        v.throwIfInvalid();
    }

    private static void checkParts(Validation v, String subject, String text, String html) {
        if (subject == null || subject.isBlank() || subject.length() > Mail.SUBJECT_MAX) {
            v.reject("subject", "is required, at most " + Mail.SUBJECT_MAX + " characters");
        }
        if (text == null || text.isBlank() || text.length() > BODY_MAX) {
            v.reject("text", "is required, at most " + BODY_MAX + " characters");
        }
        if (html != null && html.length() > BODY_MAX) {
            v.reject("html", "at most " + BODY_MAX + " characters");
        }
        for (String part : new String[] {subject, text, html}) {
            Matcher m = PLACEHOLDER.matcher(part == null ? "" : part);
            while (m.find()) {
                if (!VARIABLES.contains(m.group(1))) {
                    v.reject("text", "unknown placeholder {{" + m.group(1) + "}}; known: " + String.join(", ", VARIABLES));
                }
            }
        }
    }

    /**
     * Saves a template. Line ends are stored as {@code \n} whatever the browser sent ({@code \r\n} from
     * a text area), so a template saved unchanged renders exactly as before.
     */
    @Transactional
    public Template save(String name, Language language, String subject, String text, String html) {
        text = text == null ? null : text.replace("\r\n", "\n");
        html = html == null ? null : html.replace("\r\n", "\n");
        Validation v = new Validation();
        if (name == null || !NAME.matcher(name).matches()) {
            v.reject("name", "2 to 40 small letters, digits, '-' or '_', starting with a letter");
        }
        checkParts(v, subject, text, html);
        v.throwIfInvalid();
        Optional<Template> before = find(name, language);
        String by = Callers.actorName();
        OffsetDateTime now = OffsetDateTime.now(clock);
        String htmlOrNull = html == null || html.isBlank() ? null : html;
        if (before.isPresent()) {
            jdbc.sql("""
                    UPDATE mail_templates SET subject = :s, body_text = :t, body_html = :h, updated_at = :at, updated_by = :by
                    WHERE name = :n AND language = :l""")
                    .param("s", subject.trim()).param("t", text).param("h", htmlOrNull).param("at", now).param("by", by)
                    .param("n", name).param("l", language.name()).update();
        } else {
            jdbc.sql("""
                    INSERT INTO mail_templates (name, language, subject, body_text, body_html, updated_at, updated_by)
                    VALUES (:n, :l, :s, :t, :h, :at, :by)""")
                    .param("s", subject.trim()).param("t", text).param("h", htmlOrNull).param("at", now).param("by", by)
                    .param("n", name).param("l", language.name()).update();
        }
        Template after = find(name, language).orElseThrow();
        audit.record("MAIL_TEMPLATE_SAVED", "mail_template", name + "/" + language.name(), before.orElse(null), after);
        return after;
    }

    @Transactional
    public void delete(String name, Language language) {
        Template before = find(name, language)
                .orElseThrow(() -> ProblemException.notFound("TEMPLATE_NOT_FOUND", "No edited template " + name + " in " + language.name() + "."));
        jdbc.sql("DELETE FROM mail_templates WHERE name = :n AND language = :l").param("n", name).param("l", language.name()).update();
        audit.record("MAIL_TEMPLATE_DELETED", "mail_template", name + "/" + language.name(), before, null);
    }

    /** A template's text with its placeholders filled in; {@code html} escapes the values. */
    public static String fill(String template, Map<String, String> values, boolean html) {
        if (template == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.getOrDefault(m.group(1), "");
            m.appendReplacement(out, Matcher.quoteReplacement(html ? HtmlUtils.htmlEscape(value) : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
