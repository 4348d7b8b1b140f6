package io.patron.analytics.web;

import io.patron.analytics.Analytics;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/** The analytics tables as CSV: the fixed-shape ones by hand, any list of records by its components. */
final class Csv {

    private Csv() {
    }

    static String summary(Analytics.Summary s) {
        StringBuilder out = new StringBuilder("measure,current,previous,year_before\n");
        row(out, "members", s.current().members(), s.previous().members(), s.yearBefore().members());
        row(out, "new_members", s.current().newMembers(), s.previous().newMembers(), s.yearBefore().newMembers());
        row(out, "active_members", s.current().activeMembers(), s.previous().activeMembers(), s.yearBefore().activeMembers());
        row(out, "receipts", s.current().receipts(), s.previous().receipts(), s.yearBefore().receipts());
        row(out, "member_receipts", s.current().memberReceipts(), s.previous().memberReceipts(), s.yearBefore().memberReceipts());
        row(out, "sales", s.current().sales(), s.previous().sales(), s.yearBefore().sales());
        row(out, "member_sales", s.current().memberSales(), s.previous().memberSales(), s.yearBefore().memberSales());
        row(out, "refunds", s.current().refunds(), s.previous().refunds(), s.yearBefore().refunds());
        row(out, "participation", s.current().participation(), s.previous().participation(), s.yearBefore().participation());
        row(out, "average_check", s.current().averageCheck(), s.previous().averageCheck(), s.yearBefore().averageCheck());
        row(out, "member_average_check", s.current().memberAverageCheck(), s.previous().memberAverageCheck(),
                s.yearBefore().memberAverageCheck());
        row(out, "anonymous_average_check", s.current().anonymousAverageCheck(), s.previous().anonymousAverageCheck(),
                s.yearBefore().anonymousAverageCheck());
        row(out, "frequency", s.current().frequency(), s.previous().frequency(), s.yearBefore().frequency());
        row(out, "repeat_members", s.current().repeatMembers(), s.previous().repeatMembers(), s.yearBefore().repeatMembers());
        row(out, "repeat_rate", s.current().repeatRate(), s.previous().repeatRate(), s.yearBefore().repeatRate());
        row(out, "churned_members", s.current().churnedMembers(), s.previous().churnedMembers(), s.yearBefore().churnedMembers());
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Object... values) {
        out.append(name);
        for (Object v : values) {
            out.append(',').append(v == null ? "" : v instanceof BigDecimal b ? b.toPlainString() : v.toString());
        }
        out.append('\n');
    }

    static String daily(List<Analytics.DayPoint> days) {
        return "day,receipts,member_receipts,sales,member_sales\n" + days.stream().map(d -> d.day() + "," + d.receipts() + ","
                + d.memberReceipts() + "," + d.sales().toPlainString() + "," + d.memberSales().toPlainString()).collect(Collectors.joining("\n"))
                + (days.isEmpty() ? "" : "\n");
    }

    static String cohorts(List<Analytics.Cohort> cohorts) {
        StringBuilder out = new StringBuilder("first_month,members,retained_by_month\n");
        for (Analytics.Cohort c : cohorts) {
            out.append(c.month()).append(',').append(c.members()).append(',')
                    .append(c.retained().stream().map(String::valueOf).collect(Collectors.joining(" "))).append('\n');
        }
        return out.toString();
    }

    /**
     * A list of records as CSV: a column per component (a nested record's components as
     * {@code outer_inner}), names in snake case; text cells quoted when they need it.
     */
    static String records(Class<? extends Record> type, List<? extends Record> rows) {
        List<String> header = new java.util.ArrayList<>();
        columns(type, "", header);
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (Record r : rows) {
            List<String> cells = new java.util.ArrayList<>();
            cells(r, cells);
            out.append(String.join(",", cells)).append('\n');
        }
        return out.toString();
    }

    private static void columns(Class<?> type, String prefix, List<String> out) {
        for (var c : type.getRecordComponents()) {
            String name = prefix + c.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
            if (c.getType().isRecord()) {
                columns(c.getType(), name + "_", out);
            } else {
                out.add(name);
            }
        }
    }

    private static void cells(Record r, List<String> out) {
        for (var c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName(), e);
            }
            if (c.getType().isRecord()) {
                if (v == null) {
                    List<String> blanks = new java.util.ArrayList<>();
                    columns(c.getType(), "", blanks);
                    blanks.forEach(b -> out.add(""));
                } else {
                    cells((Record) v, out);
                }
            } else {
                out.add(cell(v));
            }
        }
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String text = v instanceof BigDecimal b ? b.toPlainString() : v.toString();
        // A leading =, +, - or @ would be a formula to a spreadsheet: text is quoted and such cells start with a quote.
        if (!(v instanceof Number) && !text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return text.matches("[A-Za-z0-9 ._:/'-]*") ? text : '"' + text.replace("\"", "\"\"") + '"';
    }
}
