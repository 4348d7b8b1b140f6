package io.patron.ledger;

import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/** Says what a ledger line means in the reader's language ("Earned 90 points on purchase #3"). */
@Component
public class LedgerDescriptions {

    private final MessageSource messages;

    LedgerDescriptions(MessageSource messages) {
        this.messages = messages;
    }

    public String describe(LedgerEntry entry, Locale locale) {
        return messages.getMessage("ledger." + entry.code().name(), new Object[] {Math.abs(entry.points()),
                entry.purchaseId() == null ? "" : String.valueOf(entry.purchaseId()),
                entry.reason() == null ? "" : entry.reason()}, locale);
    }
}
