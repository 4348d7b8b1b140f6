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
