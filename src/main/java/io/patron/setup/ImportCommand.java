package io.patron.setup;

import io.patron.members.ImportReport;
import io.patron.members.MemberImport;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
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
 * {@code java -jar patron.jar import-members FILE [--store=CODE]}: imports members from a CSV file into
 * the configured database, prints the report and exits (status 0 when every row was imported, 2 when
 * some were rejected, 1 when the file could not be read).
 */
@Component
@Order(1)
class ImportCommand implements ApplicationRunner {

    private final MemberImport memberImport;
    private final Stores stores;
    private final ApplicationContext context;
    private final String storeCode;

    ImportCommand(MemberImport memberImport, Stores stores, ApplicationContext context,
                  @Value("${store:}") String storeCode) {
        this.memberImport = memberImport;
        this.stores = stores;
        this.context = context;
        this.storeCode = storeCode;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (!CommandLine.IMPORT_MEMBERS.equals(CommandLine.command(args.getSourceArgs()))) {
            return;
        }
        String[] operands = CommandLine.operands(args.getSourceArgs());
        int status;
        if (operands.length != 1 || !Files.isReadable(Path.of(operands[0]))) {
            System.err.println("usage: java -jar patron.jar import-members FILE.csv [--store=CODE]");
            status = 1;
        } else {
            Long storeId = storeCode.isBlank() ? null : stores.findByCode(storeCode.trim().toUpperCase())
                    .map(Store::id).map(id -> id.value())
                    .orElseThrow(() -> new IllegalArgumentException("no store with code " + storeCode));
            try (BufferedReader reader = Files.newBufferedReader(Path.of(operands[0]), StandardCharsets.UTF_8)) {
                ImportReport report = memberImport.importCsv(reader, storeId,
                        rows -> { if (rows % 100_000 == 0) { System.out.println("… " + rows + " rows"); } });
                print(report);
                status = report.rejected() == 0 ? 0 : 2;
            }
        }
        int exit = status;
        System.exit(SpringApplication.exit(context, () -> exit));
    }

    private static void print(ImportReport report) {
        System.out.printf("Rows read: %d%nImported:  %d%nRejected:  %d%nTime:      %.1f s (%.0f rows/s)%n",
                report.rowsRead(), report.imported(), report.rejected(), report.durationMillis() / 1000.0,
                report.rowsRead() * 1000.0 / Math.max(1, report.durationMillis()));
        report.rejectedByReason().forEach((reason, count) -> System.out.printf("  %7d  %s%n", count, reason));
        report.rejections().stream().limit(50).forEach(r -> System.out.printf("  line %d: %s%n", r.line(), r.reason()));
    }
}
