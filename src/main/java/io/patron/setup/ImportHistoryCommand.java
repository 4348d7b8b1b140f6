package io.patron.setup;

import io.patron.checkout.HistoryImport;
import io.patron.checkout.HistoryReport;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar patron.jar import-history DIR_OR_FILE [--store=CODE] [--mode=history|replay]}: imports
 * purchase history in Patron's CSV format or the UCI Online Retail format into the store CODE
 * (created as "History", Europe/London, when it does not exist; default code UCI), history only (no
 * points; the default) or replayed through the active programme, prints the report and exits.
 */
@Component
@Order(2)
class ImportHistoryCommand implements ApplicationRunner {

    private final HistoryImport history;
    private final Stores stores;
    private final ApplicationContext context;
    private final String storeCode;
    private final String mode;

    ImportHistoryCommand(HistoryImport history, Stores stores, ApplicationContext context,
                         @Value("${store:UCI}") String storeCode, @Value("${mode:history}") String mode) {
        this.mode = mode;
        this.history = history;
        this.stores = stores;
        this.context = context;
        this.storeCode = storeCode;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (!CommandLine.IMPORT_HISTORY.equals(CommandLine.command(args.getSourceArgs()))) {
            return;
        }
        String[] operands = CommandLine.operands(args.getSourceArgs());
        int status = 1;
        HistoryImport.Mode chosen = switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "history" -> HistoryImport.Mode.HISTORY;
            case "replay" -> HistoryImport.Mode.REPLAY;
            default -> null;
        };
        if (operands.length != 1 || !Files.exists(Path.of(operands[0])) || chosen == null) {
            System.err.println("usage: java -jar patron.jar import-history DIR_OR_FILE.csv [--store=CODE] [--mode=history|replay]");
        } else {
            String code = storeCode.trim().toUpperCase();
            Store store = stores.findByCode(code).orElseGet(() -> stores.create(code, "History", "Europe/London"));
            HistoryReport report = history.importFiles(Path.of(operands[0]), store.id(), chosen,
                    rows -> System.out.println("… " + rows + " rows"));
            System.out.printf("Rows read:            %d%nPurchases:            %d (%d anonymous, %d lines)%n"
                            + "Returns:              %d (%d lines)%nUnmatched return lines: %d%nMembers created:      %d%n"
                            + "Already imported:     %d invoices%nTime:                 %.1f s%n",
                    report.rowsRead(), report.purchases(), report.anonymousPurchases(), report.purchaseLines(), report.returns(),
                    report.returnLines(), report.unmatchedReturnLines(), report.membersCreated(),
                    report.invoicesAlreadyImported(), report.durationMillis() / 1000.0);
            if (chosen == HistoryImport.Mode.REPLAY) {
                System.out.printf("Points earned:        %d%nPoints taken back:    %d%nDiscounts:            %s%n",
                        report.pointsEarned(), report.pointsReversed(), report.discountTotal().toPlainString());
            }
            report.skippedByReason().forEach((reason, count) -> System.out.printf("  skipped %7d  %s%n", count, reason));
            status = 0;
        }
        int exit = status;
        System.exit(SpringApplication.exit(context, () -> exit));
    }
}
