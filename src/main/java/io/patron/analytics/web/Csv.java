package io.patron.analytics.web;

import io.patron.analytics.Analytics;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/** The analytics tables as CSV (numbers only, so no cell needs quoting). */
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
}
