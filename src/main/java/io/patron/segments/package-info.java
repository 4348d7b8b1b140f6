/**
 * Segments: saved, named definitions over member attributes and behaviour, evaluated in the
 * database (never by loading members into memory), counted live while they are edited, and listed
 * page by page for campaigns that reach their members.
 */
package io.patron.segments;
