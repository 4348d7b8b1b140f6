package io.patron.ledger;

/** Why points moved. Each code names the programme account on the other side of the member's. */
public enum TransferCode {
    /** Points earned on a purchase: ISSUED → member. */
    EARN_PURCHASE,
    /** Points for bringing a newcomer, credited on the newcomer's first purchase: ISSUED → member. */
    REFERRAL_BONUS,
    /** Points paid at the till: member → REDEEMED. */
    REDEEM,
    /** Earned points taken back because goods were returned: member → REVERSED. */
    REVERSE_RETURN,
    /** Redeemed points given back because goods were returned: REDEEMED → member. */
    REFUND_RETURN,
    /** Points spent on an item of the reward catalogue: member → REDEEMED. */
    REWARD,
    /** Points given back because a reward redemption was cancelled: REDEEMED → member. */
    REWARD_REFUND,
    /** Points that reached their expiry date unspent: member → EXPIRED. */
    EXPIRE,
    /** A manual correction by support, with a reason: ADJUSTED ↔ member. */
    ADJUST,
    /** A duplicate member's points moved to the survivor of a merge: member → member. */
    MERGE
}
