package io.patron.ledger.internal;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.ledger.LedgerEntry;
import java.util.ArrayList;
import java.util.List;
import io.patron.ledger.Ledger;
import io.patron.members.MemberId;
import io.patron.members.PersonalData;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * A member's points are part of their data export. Erasure keeps the ledger: its rows name a member
 * id only, which no longer leads to a person once the member is erased.
 */
@Component
class LedgerPersonalData implements PersonalData {

    /** The export pages through the whole history, up to this many lines. */
    private static final int HISTORY_MAX = 50_000;

    private final Ledger ledger;
    private final Clock clock;

    LedgerPersonalData(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "points";
    }

    @Override
    public Object export(MemberId member) {
        Map<String, Object> points = new LinkedHashMap<>();
        points.put("account", ledger.account(member, OffsetDateTime.now(clock)));
        List<LedgerEntry> history = new ArrayList<>();
        for (int page = 0; history.size() < HISTORY_MAX; page++) {
            var batch = ledger.history(member, new PageRequest(page, Page.SIZE_MAX));
            history.addAll(batch.items());
            if (!batch.hasNext()) {
                break;
            }
        }
        points.put("history", history);
        return points;
    }

    @Override
    public void erase(MemberId member) {
        // Nothing personal is held here: transfers and lots carry the member id only.
    }
}
