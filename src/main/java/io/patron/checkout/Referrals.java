package io.patron.checkout;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * A referrer's view of the members they brought: when each joined, whether they have bought yet and
 * whether the referral bonus came — what the portal's invitation page shows. Only first names, no
 * contact details: the referrer sees the progress, not the person's data.
 */
@Service
public class Referrals {

    public static final int SHOWN_MAX = 100;

    private final JdbcClient jdbc;

    Referrals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public enum Stage { JOINED, BOUGHT, BONUS_CREDITED }

    public record Progress(String firstName, OffsetDateTime joinedAt, OffsetDateTime firstPurchaseAt, long bonusPoints, Stage stage) {
    }

    /** The members a referrer brought, the newest first (at most {@value #SHOWN_MAX}). */
    public List<Progress> of(long referrerId) {
        return jdbc.sql("""
                SELECT m.first_name, m.created_at, MIN(p.occurred_at), COALESCE(SUM(CASE WHEN p.referrer_id = :r THEN p.referrer_points ELSE 0 END), 0)
                FROM members m LEFT JOIN purchases p ON p.member_id = m.id
                WHERE m.referred_by = :r AND m.status IN ('ACTIVE', 'BLOCKED')
                GROUP BY m.id, m.first_name, m.created_at ORDER BY m.created_at DESC, m.id DESC LIMIT :l""")
                .param("r", referrerId).param("l", SHOWN_MAX)
                .query((rs, i) -> {
                    OffsetDateTime first = rs.getObject(3, OffsetDateTime.class);
                    long bonus = rs.getLong(4);
                    Stage stage = bonus > 0 ? Stage.BONUS_CREDITED : first != null ? Stage.BOUGHT : Stage.JOINED;
                    return new Progress(rs.getString(1), rs.getObject(2, OffsetDateTime.class), first, bonus, stage);
                }).list();
    }
}
