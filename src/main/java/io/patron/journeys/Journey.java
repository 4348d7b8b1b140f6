package io.patron.journeys;

import java.util.Locale;

/**
 * The triggered mails. Marketing ones go only to members who agreed to marketing mail and count
 * against the weekly limit; the others are part of the service (a welcome with the card, points about
 * to expire) and go to every member with an address.
 */
public enum Journey {
    /** On enrolment (not for the portal's own sign-up, which sends its sign-in welcome, nor for bulk imports). */
    WELCOME(false),
    /** Thanks after the first purchase. */
    FIRST_PURCHASE(true),
    /** {@code days} before the birthday, with the birthday gift (a coupon of the configured campaign, the reward catalogue). */
    BIRTHDAY(true),
    /** "How was our service?" {@code days} after a purchase, at most once in {@code periodDays}. */
    SURVEY(true),
    /** After {@code days} without a purchase, once per lapse. */
    WIN_BACK(true),
    /** {@code days} before points expire. */
    POINTS_EXPIRING(false),
    /** The member moved up a tier. */
    TIER_UPGRADE(true),
    /** A draw the member had tickets in was drawn (to winners whatever their consent: it is their prize). */
    DRAW_RESULTS(true);

    private final boolean marketing;

    Journey(boolean marketing) {
        this.marketing = marketing;
    }

    public boolean marketing() {
        return marketing;
    }

    /** The journey of a path or form value ("WIN_BACK"), or a 404. */
    public static Journey parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw io.patron.common.ProblemException.notFound("JOURNEY_NOT_FOUND", "No journey " + value + ".");
        }
    }

    /** The mail's template name ("journey-first-purchase"). */
    public String mailName() {
        return "journey-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
