package io.patron.members;

/** Identifies a member (a person in the programme), whatever cards they carry. */
public record MemberId(long value) {

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
