/**
 * Talking to members by e-mail: journeys (mails triggered by what a member does or does not do, each
 * once per member and occurrence) and newsletters to a segment with a hold-out group.
 */
package io.patron.journeys;
