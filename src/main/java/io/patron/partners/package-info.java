/**
 * The coalition: partners (other businesses) where members earn and spend the programme's points
 * through the partner API, each with its own programme accounts in the ledger, and the settlement
 * statements that turn a period's points into the money owed each way.
 */
package io.patron.partners;
