package io.patron.ledger;

import java.time.LocalDate;
import java.util.List;

/**
 * A member's points as the till and the portal show them, derived from the lots at one moment:
 * available (matured, unexpired; negative while a return's debt is open), pending (earned, not yet
 * matured) and what expires in the coming days.
 */
public record PointsAccount(long balance, long available, long pending, List<Expiring> expiring) {

    public PointsAccount {
        expiring = List.copyOf(expiring);
    }

    /** Points that expire on a date unless spent. */
    public record Expiring(long points, LocalDate date) {
    }
}
