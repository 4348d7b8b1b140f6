package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.IntegrationTest;
import io.patron.common.ProblemException;
import io.patron.ledger.Ledger;
import io.patron.ledger.PointsAccount;
import io.patron.members.Member;
import io.patron.members.Members;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.io.IOException;
import java.io.StringReader;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Patron's own history format, in both modes: history only (recorded as it was, no points) and
 * replay (priced by the demo programme, points moved at the sales' own times), with every row
 * accounted for and a second run changing nothing.
 */
class PatronHistoryImportTest extends IntegrationTest {

    @Autowired
    HistoryImport history;

    @Autowired
    Stores stores;

    @Autowired
    Members members;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    /**
     * Customer A: 300 of home goods and 500 of alcohol (excluded), then 2,000, then 1,000 at the 5 %
     * tier, then the 2,000 purchase returned. Customer B: three lines of 33.33, one line id repeated.
     * An anonymous sale, a return of an unknown receipt, three bad rows, and a sale of customer C
     * that goes back in time (after all the others in the file).
     */
    private static String file(String prefix) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        String a = prefix + "-A";
        String b = prefix + "-B";
        return String.join("\n",
                "type,receiptId,occurredAt,customerId,lineId,sku,name,category,brand,quantity,unitPrice,originalReceiptId",
                "SALE," + prefix + "-S1," + now.minusDays(40) + "," + a + ",1,T1,Tea,home,Acme,2,150.00,",
                "SALE," + prefix + "-S1," + now.minusDays(40) + "," + a + ",2,W1,Wine,alcohol,,1,500.00,",
                "SALE," + prefix + "-S2," + now.minusDays(30) + "," + a + ",1,K1,Kettle,home,,1,2000.00,",
                "SALE," + prefix + "-S4," + now.minusDays(25) + "," + b + ",1,C1,Cup,home,,3,33.33,",
                "SALE," + prefix + "-S4," + now.minusDays(25) + "," + b + ",1,C1,Cup,home,,3,33.33,",
                "SALE," + prefix + "-S3," + now.minusDays(20) + "," + a + ",1,L1,Lamp,home,,1,1000.00,",
                "SALE," + prefix + "-S5," + now.minusDays(15) + ",,1,N1,Napkins,home,,1,10.00,",
                "VOID," + prefix + "-X1," + now.minusDays(14) + ",,1,N1,Napkins,home,,1,10.00,",
                "SALE," + prefix + "-X2,yesterday,,1,N1,Napkins,home,,1,10.00,",
                "RETURN," + prefix + "-R1," + now.minusDays(10) + "," + a + ",1,K1,Kettle,home,,1,," + prefix + "-S2",
                "RETURN," + prefix + "-R2," + now.minusDays(9) + "," + a + ",1,K1,Kettle,home,,1,,NOPE-" + prefix,
                "SALE," + prefix + "-S6," + now.minusDays(50) + "," + prefix + "-C,1,T1,Tea,home,,1,100.00,") + "\n";
    }

    private Store store() {
        return stores.create("H" + System.nanoTime() % 100_000_000L, "History", "Europe/Moscow");
    }

    @Test
    void historyOnlyRecordsWhatHappenedWithoutPointsAndAccountsForEveryRow() throws IOException {
        String prefix = "HO" + System.nanoTime();
        Store store = store();
        HistoryReport report = history.importReader(new StringReader(file(prefix)), store.id(), HistoryImport.Mode.HISTORY, rows -> { });
        assertThat(report.rowsRead()).isEqualTo(12);
        assertThat(report.purchases()).isEqualTo(6);
        assertThat(report.anonymousPurchases()).isEqualTo(1);
        assertThat(report.purchaseLines()).isEqualTo(7);
        assertThat(report.returns()).isEqualTo(1);
        assertThat(report.returnLines()).isEqualTo(1);
        assertThat(report.unmatchedReturnLines()).isEqualTo(1);
        assertThat(report.membersCreated()).isEqualTo(3);
        assertThat(report.skippedByReason()).containsOnly(
                Map.entry("type is not SALE or RETURN", 1L),
                Map.entry("unreadable occurredAt, quantity or unitPrice", 1L),
                Map.entry("lineId repeated within its receipt", 1L));
        assertThat(report.rowsRead()).isEqualTo(report.purchaseLines() + report.returnLines() + report.unmatchedReturnLines()
                + report.skipped());
        assertThat(report.pointsEarned()).isZero();
        Member a = members.findByExternalId(prefix + "-A").orElseThrow();
        assertThat(ledger.account(a.id(), OffsetDateTime.now()).balance()).isZero();
        assertThat(jdbc.sql("SELECT category FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id "
                + "WHERE p.store_id = :s AND p.receipt_id = :r AND l.line_no = 1").param("s", store.id().value())
                .param("r", prefix + "-S1").query(String.class).single()).isEqualTo("alcohol");

        HistoryReport again = history.importReader(new StringReader(file(prefix)), store.id(), HistoryImport.Mode.HISTORY, rows -> { });
        assertThat(again.purchases()).isZero();
        assertThat(again.returns()).isZero();
        assertThat(again.invoicesAlreadyImported()).isEqualTo(8);
    }

    @Test
    void aReplayPricesEverySaleWithTheProgrammeAtItsOwnTimeAndASecondRunChangesNothing() throws IOException {
        String prefix = "RP" + System.nanoTime();
        Store store = store();
        HistoryReport report = history.importReader(new StringReader(file(prefix)), store.id(), HistoryImport.Mode.REPLAY, rows -> { });
        // A: 300 → 30 points (the wine earns nothing); 2,000 → 200; 1,000 at the 5 % tier (spend 2,800 before it) → 50 off, 95
        // points; the 2,000 back → 200 taken back. B: 99.99 → 9 points. C's sale is earlier than the receipt before it.
        assertThat(report.pointsEarned()).isEqualTo(30 + 200 + 95 + 9);
        assertThat(report.pointsReversed()).isEqualTo(200);
        assertThat(report.discountTotal()).isEqualByComparingTo("50.00");
        assertThat(report.purchases()).isEqualTo(5);
        assertThat(report.skippedByReason()).containsEntry("earlier than the receipt before it (a replay needs time order)", 1L);
        assertThat(report.rowsRead()).isEqualTo(report.purchaseLines() + report.returnLines() + report.unmatchedReturnLines()
                + report.skipped());

        Member a = members.findByExternalId(prefix + "-A").orElseThrow();
        PointsAccount account = ledger.account(a.id(), OffsetDateTime.now());
        assertThat(account.balance()).isEqualTo(125);
        assertThat(account.available()).as("every lot matured 14 days after its sale").isEqualTo(125);
        assertThat(jdbc.sql("SELECT MIN(created_at) FROM point_transfers WHERE credit_member_id = :m").param("m", a.id().value())
                .query(OffsetDateTime.class).single()).as("points moved at the sale's time")
                .isBefore(OffsetDateTime.now().minusDays(39));

        HistoryReport again = history.importReader(new StringReader(file(prefix)), store.id(), HistoryImport.Mode.REPLAY, rows -> { });
        assertThat(again.pointsEarned()).isZero();
        assertThat(again.purchases()).isZero();
        assertThat(ledger.account(a.id(), OffsetDateTime.now()).balance()).isEqualTo(125);
    }

    @Test
    void aFileInNeitherFormatIsRefusedNamingBoth() {
        Store store = store();
        assertThatThrownBy(() -> history.importReader(new StringReader("receipt,amount\n1,2\n"), store.id(),
                HistoryImport.Mode.HISTORY, rows -> { }))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).errors().getFirst().message())
                        .contains("type,receiptId,occurredAt").contains("InvoiceNo"));
    }
}
