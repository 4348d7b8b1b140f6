package io.patron.ledger;

/** The programme side of every transfer; their ids are fixed by the migration. */
public enum ProgramAccount {
    ISSUED(1), REDEEMED(2), EXPIRED(3), ADJUSTED(4), REVERSED(5);

    private final long id;

    ProgramAccount(long id) {
        this.id = id;
    }

    public long id() {
        return id;
    }
}
