package io.patron.common;

/** A request for one page; the size is clamped to {@link Page#SIZE_MAX} so that no list is unbounded. */
public record PageRequest(int page, int size) {

    public PageRequest {
        if (page < 0) {
            throw ProblemException.invalid("page", "must be 0 or more");
        }
        if (size < 1 || size > Page.SIZE_MAX) {
            throw ProblemException.invalid("size", "must be between 1 and " + Page.SIZE_MAX);
        }
    }

    public static PageRequest of(Integer page, Integer size, int defaultSize) {
        return new PageRequest(page == null ? 0 : page, size == null ? defaultSize : size);
    }

    public long offset() {
        return (long) page * size;
    }
}
