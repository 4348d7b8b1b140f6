package io.patron.partners;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A partner's settlement statement for [periodFrom, periodTo): the points it issued (less those taken
 * back by returns), the points redeemed at it (less those given back), its co-brand coupons, and the
 * money owed each way at the prices of the statement. {@code net} is positive when the partner pays.
 * Activity counts in the period in which Patron recorded it; a return of an earlier period's receipt
 * is listed among the {@code corrections} with the statement that held the receipt.
 */
public record Statement(long id, long partnerId, String partnerCode, String partnerName, String number, OffsetDateTime periodFrom,
                        OffsetDateTime periodTo, Status status, Figures figures, List<Correction> corrections,
                        OffsetDateTime draftedAt, OffsetDateTime reviewedAt, String reviewedBy, String reviewNote,
                        OffsetDateTime closedAt, String closedBy) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "StatementStatus")
    public enum Status { DRAFT, REVIEWED, CLOSED }

    public record Figures(long receipts, long pointsIssued, long pointsReversed, long pointsRedeemed, long pointsRefunded,
                          long couponUses, long couponPoints, BigDecimal couponDiscount, BigDecimal issuePrice,
                          BigDecimal redeemPrice, BigDecimal cobrandShare, BigDecimal owedByPartner, BigDecimal owedToPartner,
                          BigDecimal net, String currency) {

        public long pointsIssuedNet() {
            return pointsIssued - pointsReversed;
        }

        public long pointsRedeemedNet() {
            return pointsRedeemed - pointsRefunded;
        }

        /** Equal figures, whatever the scale the database gave the decimals. */
        public boolean sameAs(Figures o) {
            return receipts == o.receipts && pointsIssued == o.pointsIssued && pointsReversed == o.pointsReversed
                    && pointsRedeemed == o.pointsRedeemed && pointsRefunded == o.pointsRefunded && couponUses == o.couponUses
                    && couponPoints == o.couponPoints && couponDiscount.compareTo(o.couponDiscount) == 0
                    && issuePrice.compareTo(o.issuePrice) == 0 && redeemPrice.compareTo(o.redeemPrice) == 0
                    && cobrandShare.compareTo(o.cobrandShare) == 0 && owedByPartner.compareTo(o.owedByPartner) == 0
                    && owedToPartner.compareTo(o.owedToPartner) == 0 && net.compareTo(o.net) == 0 && currency.equals(o.currency);
        }
    }

    /** A return recorded in this period of a receipt recorded in an earlier one. */
    public record Correction(String returnId, String receiptId, OffsetDateTime receiptRecordedAt, String statementNumber,
                            long pointsReversed, long pointsRefunded) {
    }

    public boolean closed() {
        return status == Status.CLOSED;
    }
}
