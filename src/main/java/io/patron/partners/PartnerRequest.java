package io.patron.partners;

import java.math.BigDecimal;

/** What an admin sends to create or change a partner; null fields keep their value on a change. */
public record PartnerRequest(String code, String name, String contactName, String contactEmail, String contactPhone,
                             Partner.Status status, BigDecimal earnRate, Boolean burnAccepted, BigDecimal issuePrice,
                             BigDecimal redeemPrice, BigDecimal cobrandShare, Partner.Period period, String currency) {
}
