package io.patron.checkout;

import io.patron.checkout.internal.PurchaseRepository;
import io.patron.checkout.internal.PurchaseRepository.StoredLine;
import io.patron.checkout.internal.PurchaseRepository.StoredPurchase;
import io.patron.common.CsvReader;
import io.patron.common.ProblemException;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberDetails;
import io.patron.members.MemberId;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Imports purchase history from CSV, in one of two formats told apart by their header line:
 * <ul>
 * <li>Patron's own ({@value #PATRON_FORMAT}): one row per receipt line, rows of one receipt next to
 * each other; {@code type} SALE or RETURN; a RETURN names the sale's {@code originalReceiptId} and
 * the {@code lineId}s it takes back (docs/operations.md describes every column);</li>
 * <li>the UCI "Online Retail" data set's ({@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,
 * UnitPrice,CustomerID,Country}): cancellation invoices ({@code C…}) become returns of the customer's
 * latest earlier purchase holding the same article.</li>
 * </ul>
 * Two modes: {@link Mode#HISTORY} records purchases and returns as they were (no points, no
 * discounts — for analytics and back-tests); {@link Mode#REPLAY} prices every sale with the active
 * programme and moves points at the sale's own time, in time order, as if the tills had sent them.
 * Customers become members by their customer id ({@code externalId}); rows without one are anonymous
 * sales; returns whose sale cannot be found are recorded as unmatched return lines. Every row is
 * accounted for in the report; a receipt already imported is left alone, so a second run changes
 * nothing. Memory is bounded: Patron files are streamed receipt by receipt, UCI files (one day each
 * in the data set) are read one at a time.
 */
@Service
public class HistoryImport {

    /** What an import does with the sales it reads. */
    public enum Mode {
        /** Recorded as they were: no pricing, no points. */
        HISTORY,
        /** Priced by the active programme, points earned and taken back, in time order. */
        REPLAY
    }

    static final List<String> UCI_HEADER = List.of("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
            "UnitPrice", "CustomerID", "Country");
    static final List<String> PATRON_HEADER = List.of("type", "receiptId", "occurredAt", "customerId", "lineId", "sku", "name",
            "category", "brand", "quantity", "unitPrice", "originalReceiptId");
    static final String PATRON_FORMAT = "type,receiptId,occurredAt,customerId,lineId,sku,name,category,brand,quantity,unitPrice,originalReceiptId";
    private static final ZoneId UCI_ZONE = ZoneId.of("Europe/London");
    private static final DateTimeFormatter UCI_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern ID = Pattern.compile("[\\p{Alnum}._:/#-]{1,64}");
    private static final int RECEIPTS_PER_TRANSACTION = 250;
    private static final int REPLAYED_RECEIPTS_PER_TRANSACTION = 50;

    private final PurchaseRepository purchases;
    private final io.patron.checkout.internal.MemberTotals totals;
    private final Members members;
    private final Programs programs;
    private final Checkout checkout;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;

    HistoryImport(PurchaseRepository purchases, Members members, Programs programs, Checkout checkout,
                  TransactionTemplate transactions, JsonMapper json, Clock clock, io.patron.checkout.internal.MemberTotals totals) {
        this.totals = totals;
        this.purchases = purchases;
        this.members = members;
        this.programs = programs;
        this.checkout = checkout;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    /** Imports UCI history only (the command line's default). */
    public HistoryReport importUci(Path source, StoreId store, LongConsumer progress) throws IOException {
        return importFiles(source, store, Mode.HISTORY, progress);
    }

    /** Imports a file, or every {@code *.csv} file of a directory in name order (the data set's by-day files). */
    public HistoryReport importFiles(Path source, StoreId store, Mode mode, LongConsumer progress) throws IOException {
        long started = System.currentTimeMillis();
        List<Path> files;
        if (Files.isDirectory(source)) {
            try (Stream<Path> list = Files.list(source)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
            }
        } else {
            files = List.of(source);
        }
        Run run = new Run(store.value(), programs.active(), mode);
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                read(reader, run, progress);
            }
        }
        return run.report(started);
    }

    /** Imports one uploaded file. */
    public HistoryReport importReader(Reader reader, StoreId store, Mode mode, LongConsumer progress) throws IOException {
        long started = System.currentTimeMillis();
        Run run = new Run(store.value(), programs.active(), mode);
        read(reader, run, progress);
        return run.report(started);
    }

    private void read(Reader reader, Run run, LongConsumer progress) throws IOException {
        try (CsvReader csv = new CsvReader(reader)) {
            List<String> header = csv.next();
            List<String> names = header == null ? List.of()
                    : header.stream().map(h -> h.replace("\uFEFF", "").strip()).toList();
            if (names.equals(UCI_HEADER)) {
                readUci(csv, run, progress);
            } else if (names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList()
                    .equals(PATRON_HEADER.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList())) {
                readPatron(csv, run, progress);
            } else {
                throw ProblemException.invalid("file", "the first line must be " + PATRON_FORMAT + " (Patron's format) or "
                        + String.join(",", UCI_HEADER) + " (UCI Online Retail)");
            }
        }
    }

    /** The next record, or null at the end; a malformed record ends the file (counted). */
    private static List<String> next(CsvReader csv, Run run) throws IOException {
        try {
            return csv.next();
        } catch (CsvReader.CsvException e) {
            run.rowsRead++;
            run.skip("malformed CSV");
            return null;
        }
    }

    private void readPatron(CsvReader csv, Run run, LongConsumer progress) throws IOException {
        List<Receipt> batch = new ArrayList<>();
        Receipt current = null;
        List<String> record;
        while ((record = next(csv, run)) != null) {
            run.rowsRead++;
            PatronRow row = patronRow(record, run);
            if (row == null) {
                continue;
            }
            if (current != null && current.id().equals(row.receiptId()) && current.isReturn() == row.isReturn()) {
                if (!current.at().isEqual(row.at()) || !java.util.Objects.equals(current.customer(), row.customer())
                        || !java.util.Objects.equals(current.original(), row.original())) {
                    run.skip("differs from its receipt's first row (time, customer or original receipt)");
                } else if (current.rows().stream().anyMatch(l -> l.lineId().equals(row.line().lineId()))) {
                    run.skip("lineId repeated within its receipt");
                } else {
                    current.rows().add(row.line());
                }
                continue;
            }
            if (current != null) {
                batch.add(current);
                flushIfFull(batch, run, progress);
            }
            current = new Receipt(row.receiptId(), row.isReturn(), row.at(), row.customer(), row.original(),
                    new ArrayList<>(List.of(row.line())));
        }
        if (current != null) {
            batch.add(current);
        }
        write(batch, run);
        progress.accept(run.rowsRead);
    }

    private void flushIfFull(List<Receipt> batch, Run run, LongConsumer progress) {
        if (batch.size() >= (run.mode == Mode.REPLAY ? REPLAYED_RECEIPTS_PER_TRANSACTION : RECEIPTS_PER_TRANSACTION)) {
            write(batch, run);
            batch.clear();
            progress.accept(run.rowsRead);
        }
    }

    private record PatronRow(boolean isReturn, String receiptId, OffsetDateTime at, String customer, Line line, String original) {
    }

    /** A row of Patron's format, or null (counted as skipped with its reason). */
    private PatronRow patronRow(List<String> r, Run run) {
        if (r.size() != PATRON_HEADER.size()) {
            run.skip("wrong number of fields");
            return null;
        }
        String type = r.get(0).strip().toUpperCase(Locale.ROOT);
        if (!type.equals("SALE") && !type.equals("RETURN")) {
            run.skip("type is not SALE or RETURN");
            return null;
        }
        boolean isReturn = type.equals("RETURN");
        String receipt = r.get(1).strip();
        String lineId = r.get(4).strip();
        String original = r.get(11).strip();
        if (!ID.matcher(receipt).matches() || !ID.matcher(lineId).matches()) {
            run.skip("receiptId or lineId missing or not 1 to 64 letters, digits or . _ : / # -");
            return null;
        }
        if (isReturn != !original.isEmpty() || isReturn && !ID.matcher(original).matches()) {
            run.skip("originalReceiptId is required for a RETURN and only there");
            return null;
        }
        OffsetDateTime at;
        BigDecimal quantity;
        BigDecimal price;
        try {
            at = OffsetDateTime.parse(r.get(2).strip());
            quantity = new BigDecimal(r.get(9).strip());
            price = isReturn && r.get(10).isBlank() ? BigDecimal.ZERO : new BigDecimal(r.get(10).strip());
        } catch (NumberFormatException | DateTimeParseException e) {
            run.skip("unreadable occurredAt, quantity or unitPrice");
            return null;
        }
        if (at.isAfter(OffsetDateTime.now(clock).plus(Basket.FUTURE_TOLERANCE))) {
            run.skip("occurredAt in the future");
            return null;
        }
        if (quantity.signum() <= 0 || quantity.stripTrailingZeros().scale() > 3 || quantity.compareTo(Basket.QUANTITY_MAX) > 0) {
            run.skip("quantity not above 0, more than 3 decimals or too large");
            return null;
        }
        if (price.signum() < 0 || price.stripTrailingZeros().scale() > 2 || price.compareTo(Basket.PRICE_MAX) > 0) {
            run.skip("unitPrice negative, more than 2 decimals or too large");
            return null;
        }
        String customer = r.get(3).strip();
        if (customer.length() > 64) {
            run.skip("customerId longer than 64 characters");
            return null;
        }
        return new PatronRow(isReturn, receipt, at, customer.isEmpty() ? null : customer,
                new Line(lineId, cut(r.get(5), 64), cut(r.get(6), 200), cut(r.get(7), 64), cut(r.get(8), 64), quantity,
                        price.setScale(2, RoundingMode.UNNECESSARY)), isReturn ? original : null);
    }

    private static String cut(String value, int max) {
        String v = value.strip();
        return v.isEmpty() ? null : v.length() > max ? v.substring(0, max) : v;
    }

    private void readUci(CsvReader csv, Run run, LongConsumer progress) throws IOException {
        Map<String, Receipt> invoices = new LinkedHashMap<>();
        List<String> record;
        while ((record = next(csv, run)) != null) {
            run.rowsRead++;
            UciRow row = uciRow(record, run);
            if (row == null) {
                continue;
            }
            Receipt receipt = invoices.computeIfAbsent(row.invoice(), k -> new Receipt(row.invoice(), row.cancellation(), row.at(),
                    row.customer(), null, new ArrayList<>()));
            int n = receipt.rows().size();
            receipt.rows().add(new Line(String.valueOf(n + 1), row.sku(), row.name(), null, null, BigDecimal.valueOf(row.quantity()),
                    row.price()));
        }
        List<Receipt> ordered = new ArrayList<>(invoices.values());
        if (run.mode == Mode.REPLAY) {
            ordered.sort(Comparator.comparing(Receipt::at));
        }
        List<Receipt> batch = new ArrayList<>();
        for (Receipt receipt : ordered) {
            batch.add(receipt);
            flushIfFull(batch, run, progress);
        }
        write(batch, run);
        progress.accept(run.rowsRead);
    }

    private record UciRow(String invoice, boolean cancellation, String sku, String name, int quantity, BigDecimal price,
                          OffsetDateTime at, String customer) {
    }

    /** A row of the UCI format, or null (counted as skipped with its reason). */
    private static UciRow uciRow(List<String> r, Run run) {
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
        return new UciRow(invoice, cancellation, sku.length() > 64 ? sku.substring(0, 64) : sku,
                name.length() > 200 ? name.substring(0, 200) : name, Math.abs(quantity), price.setScale(2, RoundingMode.UNNECESSARY),
                at, customer.isEmpty() ? null : customer);
    }

    private void write(List<Receipt> receipts, Run run) {
        if (receipts.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(status -> {
            for (Receipt receipt : receipts) {
                if (run.mode == Mode.REPLAY) {
                    if (run.lastAt != null && receipt.at().isBefore(run.lastAt)) {
                        receipt.rows().forEach(l -> run.skip("earlier than the receipt before it (a replay needs time order)"));
                        continue;
                    }
                    run.lastAt = receipt.at();
                }
                if (receipt.isReturn()) {
                    giveBack(receipt, run);
                } else {
                    sale(receipt, run);
                }
            }
        });
    }

    private void sale(Receipt receipt, Run run) {
        if (purchases.findByReceipt(run.store, receipt.id()).isPresent()) {
            run.alreadyImported++;
            return;
        }
        Member member = receipt.customer() == null ? null : run.member(receipt.customer(), members);
        List<Basket.BasketLine> lines = new ArrayList<>();
        for (int i = 0; i < receipt.rows().size(); i++) {
            Line row = receipt.rows().get(i);
            lines.add(new Basket.BasketLine(i, row.lineId(), row.sku(), row.name(), row.category(), row.brand(), row.quantity(),
                    row.price(), row.quantity().multiply(row.price()).setScale(2, RoundingMode.HALF_UP)));
        }
        Basket basket = new Basket(receipt.id(), receipt.at(), null, lines, List.of(), 0);
        if (run.mode == Mode.REPLAY) {
            Checkout.Answer answer = checkout.recordHistorySale(run.store, basket, member);
            if (answer == null) {
                run.alreadyImported++;
                return;
            }
            var response = json.readTree(answer.json());
            run.pointsEarned += response.path("pointsEarned").asLong();
            run.discounts = run.discounts.add(response.path("discountTotal").decimalValue());
        } else {
            List<PricedBasket.PricedLine> priced = lines.stream()
                    .map(l -> new PricedBasket.PricedLine(l, false, l.amount(), BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2)))
                    .toList();
            PricedBasket history = new PricedBasket(run.program.version(), run.program.definition().currency(), priced, List.of(),
                    List.of(), 0, 0, BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2), 0, List.of(), 0, List.of(), List.of(), List.of());
            long id = purchases.nextPurchaseId();
            String response = json.writeValueAsString(PurchaseResponse.of(id, basket, history, null, true));
            purchases.insert(new PurchaseRepository.NewPurchase(id, run.store, null, receipt.id(),
                    member == null ? null : member.id().value(), null, receipt.at(), OffsetDateTime.now(clock), history,
                    "", response, null, SaleKind.HISTORY));
            if (member != null) {
                totals.sold(member.id().value(), TierBuckets.monthOf(receipt.at(), run.program.definition().zone()), history.subtotal(), 0,
                        receipt.at());
            }
        }
        run.purchases++;
        run.purchaseLines += receipt.rows().size();
        if (member == null) {
            run.anonymous++;
        }
    }

    /**
     * A return: each line is matched to a line of an earlier purchase — the named original receipt's
     * line (Patron's format) or the customer's latest earlier purchase of the same article (UCI) —
     * and recorded as a return of that purchase; a line with no match is an unmatched return line.
     */
    private void giveBack(Receipt receipt, Run run) {
        if (purchases.historyCancellationRecorded(run.store, receipt.id())) {
            run.alreadyImported++;
            return;
        }
        Member member = receipt.customer() == null ? null : run.member(receipt.customer(), members);
        Long memberId = member == null ? null : member.id().value();
        Map<Long, Map<Integer, BigDecimal>> byPurchase = new TreeMap<>();
        Map<Long, BigDecimal> refunded = new HashMap<>();
        StoredPurchase original = null;
        Map<String, StoredLine> originalLines = new HashMap<>();
        Map<Integer, BigDecimal> returnedBefore = Map.of();
        if (receipt.original() != null) {
            original = purchases.findByReceipt(run.store, receipt.original()).orElse(null);
            if (original != null) {
                purchases.lines(original.id()).forEach(l -> originalLines.put(l.lineId(), l));
                returnedBefore = purchases.returnedQuantities(original.id());
            }
        }
        for (int i = 0; i < receipt.rows().size(); i++) {
            Line row = receipt.rows().get(i);
            Returnable match = null;
            if (receipt.original() != null) {
                StoredLine line = originalLines.get(row.lineId());
                if (line != null) {
                    BigDecimal left = line.quantity().subtract(returnedBefore.getOrDefault(line.lineNo(), BigDecimal.ZERO))
                            .subtract(byPurchase.getOrDefault(original.id(), Map.of()).getOrDefault(line.lineNo(), BigDecimal.ZERO));
                    if (row.quantity().compareTo(left) <= 0) {
                        match = new Returnable(original.id(), line.lineNo(), line.net().divide(line.quantity(), 10, RoundingMode.HALF_UP));
                    }
                }
            } else if (memberId != null) {
                var found = purchases.returnableLine(run.store, memberId, row.sku(), receipt.at(), row.quantity(), byPurchase);
                match = found == null ? null : new Returnable(found.purchaseId(), found.lineNo(), found.unitValue());
            }
            if (match == null) {
                purchases.insertUnmatchedReturn(run.store, receipt.id(), i, memberId, row.sku(), row.quantity(), row.price(), receipt.at());
                run.unmatched++;
                continue;
            }
            byPurchase.computeIfAbsent(match.purchaseId(), k -> new TreeMap<>()).merge(match.lineNo(), row.quantity(), BigDecimal::add);
            refunded.merge(match.purchaseId(), match.unitValue().multiply(row.quantity()).setScale(2, RoundingMode.HALF_UP), BigDecimal::add);
            run.returnLines++;
        }
        for (var entry : byPurchase.entrySet()) {
            long purchaseId = entry.getKey();
            String returnId = receipt.id() + "/" + purchaseId;
            if (run.mode == Mode.REPLAY) {
                StoredPurchase purchase = purchases.find(purchaseId).orElseThrow();
                List<StoredLine> lines = purchases.lines(purchaseId);
                Map<String, BigDecimal> quantities = new LinkedHashMap<>();
                entry.getValue().forEach((lineNo, q) -> quantities.put(lines.get(lineNo).lineId(), q));
                ReturnRequest request = new ReturnRequest(returnId, receipt.at(), quantities.entrySet().stream()
                        .map(e -> new ReturnRequest.Line(e.getKey(), e.getValue())).toList());
                Checkout.Answer answer = checkout.recordHistoryReturn(run.store, purchase, request, quantities);
                if (answer != null) {
                    var response = json.readTree(answer.json());
                    run.pointsReversed += response.path("pointsReversed").asLong();
                }
            } else {
                long pk = purchases.nextReturnId();
                BigDecimal money = refunded.get(purchaseId);
                String response = json.writeValueAsString(new ReturnResponse(returnId, purchaseId, null, receipt.at(),
                        entry.getValue().entrySet().stream().map(e -> new ReturnResponse.LineView(String.valueOf(e.getKey() + 1),
                                e.getValue(), null)).toList(), money, money, 0, 0, 0, null));
                purchases.insertReturn(pk, purchaseId, run.store, returnId, receipt.at(), OffsetDateTime.now(clock), money, money,
                        0, 0, 0, "", SaleKind.HISTORY, response, entry.getValue());
                purchases.find(purchaseId).filter(p -> p.memberId() != null).ifPresent(p -> totals.returned(p.memberId(),
                        TierBuckets.monthOf(p.occurredAt(), run.program.definition().zone()), money, 0));
            }
            run.returns++;
        }
    }

    private record Returnable(long purchaseId, int lineNo, BigDecimal unitValue) {
    }

    /** A receipt as read: a sale, or a return (of {@code original} when the format names it). */
    private record Receipt(String id, boolean isReturn, OffsetDateTime at, String customer, String original, List<Line> rows) {
    }

    private record Line(String lineId, String sku, String name, String category, String brand, BigDecimal quantity,
                        BigDecimal price) {
    }

    /** The counts of one import and its cache of customer ids to members. */
    private static final class Run {
        final long store;
        final ActiveProgram program;
        final Mode mode;
        final Map<String, Member> members = new HashMap<>();
        final Map<String, Long> skipped = new TreeMap<>();
        OffsetDateTime lastAt;
        long rowsRead;
        long purchases;
        long anonymous;
        long purchaseLines;
        long returns;
        long returnLines;
        long unmatched;
        long membersCreated;
        long alreadyImported;
        long pointsEarned;
        long pointsReversed;
        BigDecimal discounts = BigDecimal.ZERO.setScale(2);

        Run(long store, ActiveProgram program, Mode mode) {
            this.store = store;
            this.program = program;
            this.mode = mode;
        }

        void skip(String reason) {
            skipped.merge(reason, 1L, Long::sum);
        }

        /** The member of a customer id, enrolled on first sight. */
        Member member(String customer, Members directory) {
            Member cached = members.get(customer);
            if (cached != null) {
                return cached;
            }
            Member member = directory.findByExternalId(customer).orElseGet(() -> {
                membersCreated++;
                return directory.enrol(new MemberDetails(null, customer, null, null, null, null, null, null, null, false, null),
                        EnrolmentChannel.IMPORT, store).member();
            });
            members.put(customer, member);
            return member;
        }

        HistoryReport report(long started) {
            return new HistoryReport(mode, rowsRead, purchases, anonymous, purchaseLines, returns, returnLines, unmatched,
                    membersCreated, alreadyImported, skipped, pointsEarned, pointsReversed, discounts,
                    System.currentTimeMillis() - started);
        }
    }
}
