/**
 * The reward catalogue: items priced in points (a gift, a discount voucher, a partner voucher, a
 * charity donation) with stock, limits, tier eligibility and validity, the birthday selection, and
 * members' redemptions — points debited and the voucher issued in one transaction — with the
 * fulfilment of physical gifts and cancellations that restore stock and points.
 */
package io.patron.rewards;
