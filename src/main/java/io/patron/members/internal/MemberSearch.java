package io.patron.members.internal;

import io.patron.members.CardNumber;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Turns what a support agent types into one indexed condition: an e-mail, a card number, a phone, an
 * external id or the beginning of a name ("Ivan Pet" or "Petrov I"). Every branch uses an index, so
 * the list stays instant however many members there are.
 */
@Component
public class MemberSearch {

    private static final int QUERY_MAX = 100;

    private final MemberRules rules;

    MemberSearch(MemberRules rules) {
        this.rules = rules;
    }

    public Condition condition(String rawQuery) {
        String q = rawQuery == null ? "" : rawQuery.strip();
        if (q.length() > QUERY_MAX) {
            q = q.substring(0, QUERY_MAX);
        }
        if (q.isEmpty()) {
            return new Condition("status <> 'MERGED'", Map.of());
        }
        String lower = q.toLowerCase(Locale.ROOT);
        if (q.contains("@")) {
            return new Condition("email LIKE :prefix ESCAPE '\\'", Map.of("prefix", likePrefix(lower)));
        }
        if (q.matches("[0-9+()\\s.-]{4,}")) {
            String digits = q.replaceAll("[^0-9]", "");
            String phone = rules.phoneOrNull(q);
            String card = CardNumber.isValid(digits) ? digits : "";
            return new Condition("(phone = :phone OR external_id = :raw OR id IN (SELECT member_id FROM cards WHERE card_number = :card))",
                    Map.of("phone", phone == null ? "" : phone, "raw", q, "card", card));
        }
        return new Condition("(search_name LIKE :prefix ESCAPE '\\' OR search_name_rev LIKE :prefix ESCAPE '\\' OR external_id = :raw)",
                Map.of("prefix", likePrefix(MemberRules.fold(lower).replaceAll("\\s+", " ")), "raw", q));
    }

    private static String likePrefix(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** An SQL condition over the members table with its named parameters. */
    public record Condition(String where, Map<String, ?> params) {
    }
}
