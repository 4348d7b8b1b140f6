/**
 * Transparency: the programme's terms as members read them — how points are earned and on what,
 * when they mature and expire, what they pay, what each tier requires and gives, the current
 * promotions and draws — generated from the active programme document in the reader's language,
 * never written by hand, with a history of what changed when.
 */
package io.patron.terms;
