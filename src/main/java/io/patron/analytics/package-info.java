/**
 * Analytics: roll-ups of purchases maintained incrementally, and the measures read from them —
 * sales of members and anonymous buyers, participation, average checks, active members, frequency,
 * repeat purchases, churn, monthly retention cohorts — each beside the previous period and the year
 * before; the admin dashboard and the API for BI tools.
 */
package io.patron.analytics;
