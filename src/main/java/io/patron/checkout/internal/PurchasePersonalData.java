package io.patron.checkout.internal;

import io.patron.checkout.PurchaseSummary;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import java.util.ArrayList;
import java.util.List;
import io.patron.members.MemberId;
import io.patron.members.PersonalData;
import org.springframework.stereotype.Component;

/**
 * A member's purchases are part of their data export. Erasure keeps them (the programme's
 * analytics and books need them); they carry a member id and a card number, both of which lead
 * nowhere once the member is erased and the cards blocked.
 */
@Component
class PurchasePersonalData implements PersonalData {

    /** The export pages through everything, up to this many purchases. */
    private static final int PURCHASES_MAX = 20_000;

    private final PurchaseRepository purchases;

    PurchasePersonalData(PurchaseRepository purchases) {
        this.purchases = purchases;
    }

    @Override
    public String section() {
        return "purchases";
    }

    @Override
    public Object export(MemberId member) {
        List<PurchaseSummary> all = new ArrayList<>();
        for (int page = 0; all.size() < PURCHASES_MAX; page++) {
            var batch = purchases.ofMember(member.value(), new PageRequest(page, Page.SIZE_MAX));
            all.addAll(batch.items());
            if (!batch.hasNext()) {
                break;
            }
        }
        return all;
    }

    @Override
    public void erase(MemberId member) {
        // Kept on purpose; see the class comment.
    }
}
