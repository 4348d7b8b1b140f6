/**
 * Coupons: campaigns (what a coupon does, where and when), their codes (generated, imported, one
 * public code, or issued to a member by a rule or a marketer), checking codes at the till, using
 * each at most as often as allowed even under concurrent tills, and giving single-use coupons back
 * when their purchase is returned.
 */
package io.patron.coupons;
