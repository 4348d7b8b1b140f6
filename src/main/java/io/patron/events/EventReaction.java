package io.patron.events;

/**
 * Something that reacts to events after they were committed: a bean of the module that reacts. Each
 * reaction gets each event it wants at least once; it records what it did under a key of its own, so
 * that a second delivery (after a crash, or a retry after another reaction failed) does nothing twice.
 */
public interface EventReaction {

    /** A stable name: what this reaction has done is remembered under it. */
    String name();

    boolean wants(String type);

    /** Runs in a transaction of its own; an exception rolls it back and the event comes again later. */
    void on(Event event);
}
