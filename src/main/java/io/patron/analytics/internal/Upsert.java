package io.patron.analytics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;

/** Adds sums to roll-up rows: one batch of updates, then one batch inserting the rows that were not there. */
final class Upsert {

    private Upsert() {
    }

    static <K, V> void add(JdbcTemplate template, Map<K, V> sums, String update, Function<Map.Entry<K, V>, Object[]> updateArgs,
                           String insert, Function<Map.Entry<K, V>, Object[]> insertArgs) {
        if (sums.isEmpty()) {
            return;
        }
        List<Map.Entry<K, V>> entries = new ArrayList<>(sums.entrySet());
        int[] updated = template.batchUpdate(update, entries.stream().map(updateArgs).toList());
        List<Object[]> inserts = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (updated[i] == 0) {
                inserts.add(insertArgs.apply(entries.get(i)));
            }
        }
        if (!inserts.isEmpty()) {
            template.batchUpdate(insert, inserts);
        }
    }
}
