package io.patron.journeys;

import java.time.OffsetDateTime;

/**
 * A journey switched on or off with its numbers; {@code couponCampaign} is the birthday's gift campaign;
 * {@code holdoutPercent} of a marketing journey's occurrences get no mail (the control group of its uplift).
 */
public record JourneySettings(Journey journey, boolean enabled, int days, int periodDays, String couponCampaign,
                              OffsetDateTime updatedAt, String updatedBy, int holdoutPercent) {
}
