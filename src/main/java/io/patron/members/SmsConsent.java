package io.patron.members;

import java.time.OffsetDateTime;

/** Whether a member accepts marketing text messages, with when and through which channel they said so. */
public record SmsConsent(boolean granted, OffsetDateTime changedAt, EnrolmentChannel source) {

    public static SmsConsent none() {
        return new SmsConsent(false, null, null);
    }
}
