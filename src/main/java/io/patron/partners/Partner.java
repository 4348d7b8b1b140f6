package io.patron.partners;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * A partner of the coalition. {@code earnRate} is points per unit of money paid at the partner;
 * {@code issuePrice} is what the partner pays per point it issues, {@code redeemPrice} what the
 * operator pays per point redeemed at the partner (and what a point takes off a receipt there);
 * {@code cobrandShare} is the percentage of its co-brand coupons' discounts the partner pays back.
 */
public record Partner(long id, String code, String name, String contactName, String contactEmail, String contactPhone,
                      Status status, BigDecimal earnRate, boolean burnAccepted, BigDecimal issuePrice, BigDecimal redeemPrice,
                      BigDecimal cobrandShare, Period period, String currency, long issuedAccountId, long redeemedAccountId,
                      OffsetDateTime createdAt) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "PartnerStatus")
    public enum Status { ACTIVE, SUSPENDED }

    /** How often a partner settles up. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "PartnerPeriod")
    public enum Period { MONTHLY, QUARTERLY }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
