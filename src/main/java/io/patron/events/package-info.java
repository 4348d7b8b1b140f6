/**
 * What happened, kept: each change that others react to (a purchase recorded, a member enrolled …) is
 * written as an event in the transaction that made the change, and handed to the reactions — journeys'
 * mails, webhooks, wallet pushes, fraud checks — only after that transaction committed, by a
 * dispatcher that runs once across instances and retries a reaction that failed. A sale's transaction
 * holds the sale and one row more; nothing that reacts to it can fail or slow the till.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.patron.events;
