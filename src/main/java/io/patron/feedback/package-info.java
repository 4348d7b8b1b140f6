/**
 * Feedback from members and shoppers: NPS (0–10), satisfaction (1–5) and suggestions, reached from
 * a signed single-use e-mail link, the portal, or a store's public page behind a QR code; the
 * responses list with follow-up flags, and NPS and satisfaction per store.
 */
package io.patron.feedback;
