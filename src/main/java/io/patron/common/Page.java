package io.patron.common;

import java.util.List;
import java.util.function.Function;

/** One page of a bounded list: the items, the page index (from 0), the page size and the total. */
public record Page<T>(@io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) List<T> items, int page, int size, long total) {

    public static final int SIZE_MAX = 200;

    public Page {
        items = List.copyOf(items);
    }

    public int pages() {
        return total == 0 ? 1 : (int) ((total + size - 1) / size);
    }

    public boolean hasNext() {
        return (long) (page + 1) * size < total;
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), page, size, total);
    }
}
