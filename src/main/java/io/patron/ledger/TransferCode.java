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
    MERGE,
    /** Points earned on a partner's receipt: the partner's issued account → member. */
    PARTNER_EARN,
    /** Points paid at a partner: member → the partner's redeemed account. */
    PARTNER_REDEEM,
    /** Points earned at a partner taken back because goods were returned there: member → the partner's issued account. */
    PARTNER_REVERSE,
    /** Points paid at a partner given back because goods were returned there: the partner's redeemed account → member. */
    PARTNER_REFUND
}
