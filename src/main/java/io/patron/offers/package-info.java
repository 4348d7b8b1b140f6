/**
 * Personal offers: member profiles from each member's own purchases (favourite category, usual
 * basket, visit rhythm, lapsing) and batches of personal coupons that a marketer reviews and approves,
 * delivered to the portal and by e-mail, measured against a hold-out share.
 */
package io.patron.offers;
