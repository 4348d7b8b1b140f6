package io.patron.checkout;

import io.patron.checkout.internal.PurchaseRepository;
import io.patron.common.CsvReader;
import io.patron.common.ProblemException;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberDetails;
import io.patron.members.Members;
import io.patron.program.ActiveProgram;
import io.patron.program.Programs;
import io.patron.stores.StoreId;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Imports purchase history in the format of the UCI "Online Retail" data set
 * ({@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country}), history
 * only: purchases and returns are recorded for analytics and back-tests, no points move. Customers
 * become members by their customer id ({@code externalId}); rows without one are anonymous sales;
 * cancellation invoices ({@code C…}) become returns of the customer's latest earlier purchase that
 * holds the same article, or unmatched return lines when there is none. Every row is accounted for
 * in the report; an invoice already imported is left alone, so a second run changes nothing. Files
 * are read one at a time, so the heap holds one day of history, never the whole of it.
 */
@Service
public class HistoryImport {

    static final List<String> UCI_HEADER = List.of("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
            "UnitPrice", "CustomerID", "Country");
    private static final ZoneId UCI_ZONE = ZoneId.of("Europe/London");
    private static final DateTimeFormatter UCI_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int INVOICES_PER_TRANSACTION = 250;

    private final PurchaseRepository purchases;
    private final Members members;
    private final Programs programs;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;

    HistoryImport(PurchaseRepository purchases, Members members, Programs programs, TransactionTemplate transactions,
                  JsonMapper json, Clock clock) {
        this.purchases = purchases;
        this.members = members;
        this.programs = programs;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    /** Imports a file, or every {@code *.csv} file of a directory in name order (the data set's by-day files). */
    public HistoryReport importUci(Path source, StoreId store, LongConsumer progress) throws IOException {
        long started = System.currentTimeMillis();
        List<Path> files;
        if (Files.isDirectory(source)) {
            try (Stream<Path> list = Files.list(source)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
            }
        } else {
            files = List.of(source);
        }
        Run run = new Run(store.value(), programs.active());
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Map<String, List<Row>> invoices = read(reader, run);
                List<List<Row>> batch = new ArrayList<>();
                for (List<Row> invoice : invoices.values()) {
                    batch.add(invoice);
                    if (batch.size() == INVOICES_PER_TRANSACTION) {
                        write(batch, run);
                        batch.clear();
                    }
                }
                write(batch, run);
            }
            progress.accept(run.rowsRead);
        }
        return new HistoryReport(run.rowsRead, run.purchases, run.anonymous, run.purchaseLines, run.returns, run.returnLines,
                run.unmatched, run.membersCreated, run.alreadyImported, run.skipped, System.currentTimeMillis() - started);
    }

    private Map<String, List<Row>> read(Reader reader, Run run) throws IOException {
        Map<String, List<Row>> invoices = new LinkedHashMap<>();
        try (CsvReader csv = new CsvReader(reader)) {
            List<String> header = csv.next();
            if (header == null || !header.stream().map(String::strip).map(h -> h.replace("\uFEFF", "")).toList().equals(UCI_HEADER)) {
                throw ProblemException.invalid("file", "the first line must be " + String.join(",", UCI_HEADER));
            }
            List<String> record;
            while (true) {
                try {
                    record = csv.next();
                } catch (CsvReader.CsvException e) {
                    run.rowsRead++;
                    run.skip("malformed CSV");
                    break;
                }
                if (record == null) {
                    break;
                }
                run.rowsRead++;
                Row row = row(record, run);
                if (row != null) {
                    invoices.computeIfAbsent(row.invoice(), k -> new ArrayList<>()).add(row);
                }
            }
        }
        return invoices;
    }

    /** A row, or null (counted as skipped with its reason). */
    private static Row row(List<String> r, Run run) {
        if (r.size() != UCI_HEADER.size()) {
            run.skip("wrong number of fields");
            return null;
        }
        String invoice = r.get(0).strip();
        if (invoice.isEmpty() || invoice.length() > 60) {
            run.skip("missing or over-long invoice number");
            return null;
        }
        if (invoice.startsWith("A")) {
            run.skip("accounting adjustment (A invoice), not a sale");
            return null;
        }
        boolean cancellation = invoice.startsWith("C");
        int quantity;
        BigDecimal price;
        OffsetDateTime at;
        try {
            quantity = Integer.parseInt(r.get(3).strip());
            price = new BigDecimal(r.get(5).strip());
            at = LocalDateTime.parse(r.get(4).strip(), UCI_TIME).atZone(UCI_ZONE).toOffsetDateTime();
        } catch (NumberFormatException | DateTimeParseException e) {
            run.skip("unreadable quantity, price or date");
            return null;
        }
        if (price.signum() < 0) {
            run.skip("negative price");
            return null;
        }
        if (price.stripTrailingZeros().scale() > 2) {
            run.skip("price with more than 2 decimals");
            return null;
        }
        if (!cancellation && quantity <= 0) {
            run.skip("zero or negative quantity in a sale");
            return null;
        }
        if (cancellation && quantity >= 0) {
            run.skip("zero or positive quantity in a cancellation");
            return null;
        }
        String customer = r.get(6).strip().replaceAll("\\.0+$", "");
        String sku = r.get(1).strip();
        String name = r.get(2).strip();
        return new Row(invoice, cancellation, sku.length() > 64 ? sku.substring(0, 64) : sku,
                name.length() > 200 ? name.substring(0, 200) : name, Math.abs(quantity), price.setScale(2, RoundingMode.UNNECESSARY),
                at, customer.isEmpty() ? null : customer);
    }

    private void write(List<List<Row>> invoices, Run run) {
        if (invoices.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(status -> {
            for (List<Row> invoice : invoices) {
                if (invoice.getFirst().cancellation()) {
                    cancellation(invoice, run);
                } else {
                    sale(invoice, run);
                }
            }
        });
    }

    private void sale(List<Row> rows, Run run) {
        Row first = rows.getFirst();
        if (purchases.findByReceipt(run.store, first.invoice()).isPresent()) {
            run.alreadyImported++;
            return;
        }
        Long member = first.customer() == null ? null : run.member(first.customer(), members);
        List<Basket.BasketLine> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            BigDecimal quantity = BigDecimal.valueOf(row.quantity());
            lines.add(new Basket.BasketLine(i, String.valueOf(i + 1), row.sku(), row.name(), null, null, quantity, row.price(),
                    quantity.multiply(row.price()).setScale(2, RoundingMode.HALF_UP)));
        }
        Basket basket = new Basket(first.invoice(), first.at(), null, lines, List.of(), 0);
        List<PricedBasket.PricedLine> priced = lines.stream()
                .map(l -> new PricedBasket.PricedLine(l, false, l.amount(), BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2)))
                .toList();
        PricedBasket history = new PricedBasket(run.program.version(), run.program.definition().currency(), priced, List.of(),
                List.of(), 0, 0, BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2), 0);
        long id = purchases.nextPurchaseId();
        String response = json.writeValueAsString(PurchaseResponse.of(id, basket, history, null, true));
        purchases.insert(new PurchaseRepository.NewPurchase(id, run.store, null, first.invoice(), member, null, first.at(),
                OffsetDateTime.now(clock), history, "history-import", response));
        run.purchases++;
        run.purchaseLines += rows.size();
        if (member == null) {
            run.anonymous++;
        }
    }

    private void cancellation(List<Row> rows, Run run) {
        Row first = rows.getFirst();
        if (purchases.historyCancellationRecorded(run.store, first.invoice())) {
            run.alreadyImported++;
            return;
        }
        Long member = first.customer() == null ? null : run.member(first.customer(), members);
        Map<Long, Map<Integer, BigDecimal>> byPurchase = new TreeMap<>();
        Map<Long, BigDecimal> refunded = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            BigDecimal quantity = BigDecimal.valueOf(row.quantity());
            var match = member == null ? null
                    : purchases.returnableLine(run.store, member, row.sku(), first.at(), quantity, byPurchase);
            if (match == null) {
                purchases.insertUnmatchedReturn(run.store, first.invoice(), i, member, row.sku(), quantity, row.price(), first.at());
                run.unmatched++;
                continue;
            }
            byPurchase.computeIfAbsent(match.purchaseId(), k -> new TreeMap<>()).merge(match.lineNo(), quantity, BigDecimal::add);
            refunded.merge(match.purchaseId(), match.unitValue().multiply(quantity).setScale(2, RoundingMode.HALF_UP), BigDecimal::add);
            run.returnLines++;
        }
        for (var entry : byPurchase.entrySet()) {
            long purchaseId = entry.getKey();
            long pk = purchases.nextReturnId();
            String returnId = first.invoice() + "/" + purchaseId;
            BigDecimal money = refunded.get(purchaseId);
            String response = json.writeValueAsString(new ReturnResponse(returnId, purchaseId, null, first.at(),
                    entry.getValue().entrySet().stream().map(e -> new ReturnResponse.LineView(String.valueOf(e.getKey() + 1),
                            e.getValue(), null)).toList(), money, money, 0, 0, 0, null));
            purchases.insertReturn(pk, purchaseId, run.store, returnId, first.at(), OffsetDateTime.now(clock), money, money,
                    0, 0, 0, "history-import", response, entry.getValue());
            run.returns++;
        }
    }

    private record Row(String invoice, boolean cancellation, String sku, String name, int quantity, BigDecimal price,
                       OffsetDateTime at, String customer) {
    }

    /** The counts of one import and its cache of customer ids to member ids. */
    private static final class Run {
        final long store;
        final ActiveProgram program;
        final Map<String, Long> memberIds = new HashMap<>();
        final Map<String, Long> skipped = new TreeMap<>();
        long rowsRead;
        long purchases;
        long anonymous;
        long purchaseLines;
        long returns;
        long returnLines;
        long unmatched;
        long membersCreated;
        long alreadyImported;

        Run(long store, ActiveProgram program) {
            this.store = store;
            this.program = program;
        }

        void skip(String reason) {
            skipped.merge(reason, 1L, Long::sum);
        }

        /** The member of a customer id, enrolled on first sight. */
        long member(String customer, Members members) {
            Long cached = memberIds.get(customer);
            if (cached != null) {
                return cached;
            }
            long id = members.findByExternalId(customer).map(Member::id).map(m -> m.value()).orElseGet(() -> {
                membersCreated++;
                return members.enrol(new MemberDetails(null, customer, null, null, null, null, null, null, null, false, null),
                        EnrolmentChannel.IMPORT, store).member().id().value();
            });
            memberIds.put(customer, id);
            return id;
        }
    }
}
