/**
 * Text messages: a provider interface with SMPP 3.4 and HTTP-gateway implementations, an outbox written
 * in the transaction of what caused a message and sent after it with retries, delivery reports, the
 * members' SMS consent respected for marketing, limits per member and per minute, parts and cost
 * counted, and per-language texts with their encoding and parts shown as they are edited.
 */
package io.patron.sms;
