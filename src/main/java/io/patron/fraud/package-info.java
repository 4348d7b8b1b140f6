/**
 * Fraud monitoring: the programme's velocity rules checked after each sale, return and enrolment (an
 * event reaction, never in the sale's transaction), cases with their evidence for people to review
 * (assign, note, close), holds on a member's redemptions that the till's commit respects, every hold
 * and release audited, and counts for the metrics.
 */
package io.patron.fraud;
