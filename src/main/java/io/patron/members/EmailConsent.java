package io.patron.members;

import java.time.OffsetDateTime;

/** Whether a member accepts marketing e-mail, with when and through which channel they said so. */
public record EmailConsent(boolean granted, OffsetDateTime changedAt, EnrolmentChannel source) {

    public static EmailConsent none() {
        return new EmailConsent(false, null, null);
    }
}
