package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patron.IntegrationTest;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The whole UCI Online Retail data set (541,909 rows) imported as history, its report checked against
 * counts computed here with small, independent code; a second import changes nothing. Runs whenever
 * ../shared/datasets is present (always in CI).
 */
class UciHistoryImportTest extends IntegrationTest {

    static final Path DATA = Path.of("..", "shared", "datasets", "uci-online-retail", "by-day");

    @Autowired
    HistoryImport history;

    @Autowired
    Stores stores;

    @Test
    void theWholeDataSetIsImportedWithEveryRowAccountedForAndASecondRunChangesNothing() throws IOException {
        assumeTrue(Files.isDirectory(DATA), "the UCI data set is not at " + DATA.toAbsolutePath()
                + " (it is in ../shared/datasets in CI); this test needs it");
        Expected expected = count();
        assertThat(expected.rows).isEqualTo(541_909);

        Store store = stores.create("UCI" + System.nanoTime() % 100_000_000L, "History", "Europe/London");
        HistoryReport report = history.importUci(DATA, store.id(), rows -> { });
        assertThat(report.rowsRead()).isEqualTo(expected.rows);
        assertThat(report.skippedByReason()).isEqualTo(expected.skipped);
        assertThat(report.purchases()).isEqualTo(expected.saleInvoices.size());
        assertThat(report.anonymousPurchases()).isEqualTo(expected.anonymousSales.size());
        assertThat(report.purchaseLines()).isEqualTo(expected.saleRows);
        assertThat(report.returnLines() + report.unmatchedReturnLines()).isEqualTo(expected.cancellationRows);
        assertThat(report.returnLines()).isPositive();
        assertThat(report.membersCreated()).isEqualTo(expected.customers.size());
        assertThat(report.rowsRead()).as("every row is a sale line, a return line, an unmatched line or skipped")
                .isEqualTo(report.purchaseLines() + report.returnLines() + report.unmatchedReturnLines() + report.skipped());

        HistoryReport again = history.importUci(DATA, store.id(), rows -> { });
        assertThat(again.purchases()).isZero();
        assertThat(again.returns()).isZero();
        assertThat(again.unmatchedReturnLines()).isZero();
        assertThat(again.membersCreated()).isZero();
        assertThat(again.invoicesAlreadyImported()).isEqualTo(expected.saleInvoices.size() + expected.cancellationInvoices.size());

        // The analytics issue's correctness check: what the dashboard shows for the store equals the
        // same numbers worked out here from the files, with this test's own small code.
        analytics.catchUpEverything();
        var period = new io.patron.analytics.Analytics.Period(java.time.LocalDate.parse("2010-12-01"), java.time.LocalDate.parse("2011-12-31"));
        var m = analytics.measures(period, store.id().value());
        Map<String, Long> invoicesPerCustomer = new HashMap<>();
        expected.invoiceCustomer.forEach((invoice, customer) -> invoicesPerCustomer.merge(customer, 1L, Long::sum));
        BigDecimal sales = expected.invoiceAmount.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(m.receipts()).as("purchase invoices").isEqualTo(expected.saleInvoices.size());
        assertThat(m.memberReceipts()).as("purchase invoices with a customer").isEqualTo(expected.invoiceCustomer.size());
        assertThat(m.activeMembers()).as("customers with a purchase").isEqualTo(invoicesPerCustomer.size());
        assertThat(m.sales()).as("revenue").isEqualByComparingTo(sales);
        assertThat(m.averageCheck()).as("average check")
                .isEqualByComparingTo(sales.divide(BigDecimal.valueOf(expected.saleInvoices.size()), 2, java.math.RoundingMode.HALF_UP));
        long repeat = invoicesPerCustomer.values().stream().filter(n -> n >= 2).count();
        assertThat(m.repeatMembers()).as("customers with two purchases or more").isEqualTo(repeat);
        assertThat(m.repeatRate()).as("repeat-purchase rate").isEqualByComparingTo(BigDecimal.valueOf(repeat)
                .divide(BigDecimal.valueOf(invoicesPerCustomer.size()), 4, java.math.RoundingMode.HALF_UP));
        // Monthly cohort retention: customers by the month of their first purchase, and how many bought k months later.
        Map<String, java.time.YearMonth> first = new HashMap<>();
        Map<String, Set<java.time.YearMonth>> active = new HashMap<>();
        expected.invoiceCustomer.forEach((invoice, customer) -> {
            java.time.YearMonth month = java.time.YearMonth.from(expected.invoiceDay.get(invoice));
            first.merge(customer, month, (x, y) -> x.isBefore(y) ? x : y);
            active.computeIfAbsent(customer, c -> new HashSet<>()).add(month);
        });
        Map<java.time.YearMonth, long[]> cohorts = new java.util.TreeMap<>();
        first.forEach((customer, month) -> {
            long[] row = cohorts.computeIfAbsent(month, k -> new long[13]);
            for (java.time.YearMonth a : active.get(customer)) {
                int k = (int) java.time.temporal.ChronoUnit.MONTHS.between(month, a);
                if (k < 13) {
                    row[k]++;
                }
            }
        });
        var shown = analytics.cohorts(java.time.LocalDate.parse("2010-12-01"), java.time.LocalDate.parse("2011-12-31"), store.id().value(), 13);
        assertThat(shown).hasSize(cohorts.size());
        int i = 0;
        for (var e : cohorts.entrySet()) {
            var c = shown.get(i++);
            assertThat(java.time.YearMonth.from(c.month())).isEqualTo(e.getKey());
            for (int k = 0; k < c.retained().size(); k++) {
                assertThat(c.retained().get(k)).as("cohort " + e.getKey() + " +" + k).isEqualTo(e.getValue()[k]);
            }
        }
        rfmClassSizesAreThoseWorkedOutFromTheFiles(expected);
    }

    @Autowired
    io.patron.MutableClock clock;

    @Autowired
    io.patron.segments.Rfm rfm;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /**
     * RFM classes as of the day after the data set ends: every customer with a purchase in the 365 days
     * before gets a 1–5 score per measure, the quintile of the mid-rank percentile (the mean of the
     * percent rank and the cumulative distribution) among those customers, and a class from the three —
     * worked out here in plain Java, then compared with what the dashboard shows.
     */
    private void rfmClassSizesAreThoseWorkedOutFromTheFiles(Expected expected) {
        java.time.Instant now = java.time.Instant.parse("2011-12-10T00:00:00Z");
        java.time.LocalDate since = java.time.LocalDate.parse("2010-12-10");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM purchases p JOIN stores s ON s.id = p.store_id WHERE s.code NOT LIKE 'UCI%'"
                        + " AND p.occurred_at >= :f AND p.occurred_at <= :t")
                .param("f", since.atStartOfDay().atOffset(java.time.ZoneOffset.UTC)).param("t", now.atOffset(java.time.ZoneOffset.UTC))
                .query(Long.class).single()).as("no other test's sales in the data set's year, which would share the quintiles").isZero();
        Map<String, java.time.LocalDate> last = new HashMap<>();
        Map<String, Long> frequency = new HashMap<>();
        Map<String, BigDecimal> money = new HashMap<>();
        expected.invoiceCustomer.forEach((invoice, customer) -> {
            java.time.LocalDate day = expected.invoiceDay.get(invoice);
            if (!day.isBefore(since)) {
                last.merge(customer, day, (a, b) -> a.isAfter(b) ? a : b);
                frequency.merge(customer, 1L, Long::sum);
                money.merge(customer, expected.invoiceAmount.get(invoice), BigDecimal::add);
            }
        });
        Map<String, Integer> r = scores(last);
        Map<String, Integer> f = scores(frequency);
        Map<String, Integer> m = scores(money);
        Map<io.patron.segments.Rfm.RfmClass, Long> sizes = new java.util.EnumMap<>(io.patron.segments.Rfm.RfmClass.class);
        for (String customer : last.keySet()) {
            sizes.merge(io.patron.segments.Rfm.classOf(r.get(customer), f.get(customer), m.get(customer)), 1L, Long::sum);
        }
        clock.advance(java.time.Duration.between(java.time.Instant.now(), now));
        try {
            rfm.recompute();
        } finally {
            clock.reset();
        }
        Map<io.patron.segments.Rfm.RfmClass, Long> shown = new java.util.EnumMap<>(io.patron.segments.Rfm.RfmClass.class);
        breakdowns.rfm().stream().filter(c -> c.members() > 0).forEach(c -> shown.put(c.rfmClass(), c.members()));
        assertThat(shown).as("RFM class sizes").isEqualTo(sizes);
        assertThat(sizes.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(last.size());
        // The recomputation as of today leaves out the data set again, for the tests that follow.
        rfm.recompute();
    }

    @Autowired
    io.patron.analytics.Breakdowns breakdowns;

    /** 1 + floor(5 × (percent rank + cumulative distribution) / 2), at most 5, over the customers' values. */
    private static <T extends Comparable<? super T>> Map<String, Integer> scores(Map<String, T> values) {
        List<T> sorted = values.values().stream().sorted().toList();
        int n = sorted.size();
        Map<String, Integer> scores = new HashMap<>();
        values.forEach((customer, v) -> {
            int below = lowerBound(sorted, v);
            int upTo = upperBound(sorted, v);
            double percentRank = n == 1 ? 0 : (double) below / (n - 1);
            double cumeDist = (double) upTo / n;
            scores.put(customer, Math.min(5, 1 + (int) Math.floor(5 * (percentRank + cumeDist) / 2)));
        });
        return scores;
    }

    private static <T extends Comparable<? super T>> int lowerBound(List<T> sorted, T v) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).compareTo(v) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static <T extends Comparable<? super T>> int upperBound(List<T> sorted, T v) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).compareTo(v) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Autowired
    io.patron.analytics.Analytics analytics;

    /** Counts the data set with its own naive reading: split on commas outside quotes. */
    private static Expected count() throws IOException {
        Expected e = new Expected();
        List<Path> files;
        try (Stream<Path> list = Files.list(DATA)) {
            files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                in.readLine();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    e.rows++;
                    List<String> f = split(line);
                    String invoice = f.get(0);
                    int quantity = Integer.parseInt(f.get(3));
                    BigDecimal price = new BigDecimal(f.get(5));
                    String customer = f.get(6).replace(".0", "");
                    String reason = invoice.startsWith("A") ? "accounting adjustment (A invoice), not a sale"
                            : price.signum() < 0 ? "negative price"
                            : price.stripTrailingZeros().scale() > 2 ? "price with more than 2 decimals"
                            : !invoice.startsWith("C") && quantity <= 0 ? "zero or negative quantity in a sale"
                            : invoice.startsWith("C") && quantity >= 0 ? "zero or positive quantity in a cancellation"
                            : null;
                    if (reason != null) {
                        e.skipped.merge(reason, 1L, Long::sum);
                        continue;
                    }
                    if (!customer.isEmpty()) {
                        e.customers.add(customer);
                    }
                    if (invoice.startsWith("C")) {
                        e.cancellationRows++;
                        e.cancellationInvoices.add(invoice);
                    } else {
                        e.saleRows++;
                        if (e.saleInvoices.add(invoice)) {
                            if (customer.isEmpty()) {
                                e.anonymousSales.add(invoice);
                            } else {
                                e.invoiceCustomer.put(invoice, customer);
                            }
                            e.invoiceDay.put(invoice, java.time.LocalDate.parse(f.get(4).substring(0, 10)));
                        }
                        e.invoiceAmount.merge(invoice, price.multiply(BigDecimal.valueOf(quantity)), BigDecimal::add);
                    }
                }
            }
        }
        return e;
    }

    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    private static final class Expected {
        long rows;
        long saleRows;
        long cancellationRows;
        final Map<String, Long> skipped = new HashMap<>();
        final Set<String> saleInvoices = new HashSet<>();
        final Set<String> anonymousSales = new HashSet<>();
        final Set<String> cancellationInvoices = new HashSet<>();
        final Set<String> customers = new HashSet<>();
        /** Sale invoices with a customer: whose they are, on which (London) day, for how much. */
        final Map<String, String> invoiceCustomer = new HashMap<>();
        final Map<String, java.time.LocalDate> invoiceDay = new HashMap<>();
        final Map<String, BigDecimal> invoiceAmount = new HashMap<>();
    }
}
