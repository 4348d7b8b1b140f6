/**
 * Webhooks: the chain's own systems (CRM, data warehouse, apps) subscribe to event types and Patron
 * posts each event to them after the change committed, signed as the Standard Webhooks specification
 * says, at least once, in order per subscription, retried with back-off for a day, with a delivery log
 * and redelivery. A slow or dead receiver delays only its own subscription, never a till's sale.
 */
package io.patron.webhooks;
