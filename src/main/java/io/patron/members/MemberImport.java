package io.patron.members;

import io.patron.audit.AuditLog;
import io.patron.common.CsvReader;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.members.internal.MemberRepository;
import io.patron.members.internal.MemberRules;
import java.io.IOException;
import java.io.Reader;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk enrolment from CSV (admin upload or {@code java -jar patron.jar import-members FILE}). Rows are
 * checked by the same rules as every other channel and written in batches of {@value #BATCH_SIZE} with
 * one round trip per table, which is what makes tens of thousands of members a second possible. The
 * header names the columns, in any order:
 * {@code cardNumber, externalId, phone, email, firstName, lastName, birthDate, language, categories,
 * emailMarketing, referralCode} (categories separated by {@code ;} or {@code |}).
 */
@Service
public class MemberImport {

    static final int BATCH_SIZE = 1000;
    private static final int BATCHES_IN_FLIGHT_MAX = 2;
    private static final long ANALYZE_FROM_ROWS = 5_000;
    private static final Set<String> COLUMNS = Set.of("cardnumber", "externalid", "phone", "email", "firstname",
            "lastname", "birthdate", "language", "categories", "emailmarketing", "referralcode");

    private final MemberRules rules;
    private final MemberRepository repository;
    private final Members members;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final Clock clock;

    MemberImport(MemberRules rules, MemberRepository repository, Members members, NamedParameterJdbcTemplate jdbc,
                 TransactionTemplate transactions, AuditLog audit, Clock clock) {
        this.rules = rules;
        this.repository = repository;
        this.members = members;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Imports every row of {@code csv}; {@code progress} hears the number of rows read so far. */
    public ImportReport importCsv(Reader csv, Long storeId, LongConsumer progress) throws IOException {
        long started = System.currentTimeMillis();
        Tally tally = new Tally();
        Statistics statistics = new Statistics(repository.count());
        // Reading and checking rows (CPU) overlaps with writing the previous batch (database).
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "member-import-writer"));
        Deque<Future<?>> inFlight = new ArrayDeque<>();
        try (CsvReader reader = new CsvReader(csv)) {
            Map<String, Integer> columns = header(reader.next());
            List<RawRow> raw = new ArrayList<>(BATCH_SIZE);
            List<String> record;
            while (true) {
                try {
                    record = reader.next();
                } catch (CsvReader.CsvException e) {
                    tally.rowsRead++;
                    tally.reject(e.line(), "malformed CSV: " + e.getMessage());
                    break; // after a broken quote nothing further can be trusted
                }
                if (record == null) {
                    break;
                }
                tally.rowsRead++;
                raw.add(new RawRow(reader.recordLine(), record));
                if (raw.size() == BATCH_SIZE) {
                    submit(writer, inFlight, check(raw, columns, tally), storeId, tally, statistics);
                    raw.clear();
                    progress.accept(tally.rowsRead);
                }
            }
            submit(writer, inFlight, check(raw, columns, tally), storeId, tally, statistics);
            while (!inFlight.isEmpty()) {
                await(inFlight.removeFirst());
            }
            progress.accept(tally.rowsRead);
        } finally {
            writer.shutdownNow();
        }
        List<ImportReport.Rejection> rejections = new ArrayList<>(tally.rejections);
        rejections.sort(java.util.Comparator.comparingLong(ImportReport.Rejection::line));
        ImportReport report = new ImportReport(tally.rowsRead, tally.imported, tally.rejected, tally.byReason,
                rejections, System.currentTimeMillis() - started);
        transactions.executeWithoutResult(s -> audit.record("MEMBERS_IMPORTED", "member_import", started, null,
                Map.of("rowsRead", report.rowsRead(), "imported", report.imported(), "rejected", report.rejected(),
                        "rejectedByReason", report.rejectedByReason())));
        return report;
    }

    /** Checks a batch of rows on all cores; phone parsing is the costliest part of an import. */
    private List<Row> check(List<RawRow> raw, Map<String, Integer> columns, Tally tally) {
        return raw.parallelStream().map(r -> row(r.line(), r.fields(), columns, tally)).filter(java.util.Objects::nonNull).toList();
    }

    private void submit(ExecutorService writer, Deque<Future<?>> inFlight, List<Row> batch, Long storeId, Tally tally,
                        Statistics statistics) {
        if (inFlight.size() >= BATCHES_IN_FLIGHT_MAX) {
            await(inFlight.removeFirst());
        }
        inFlight.addLast(writer.submit(() -> {
            flush(batch, storeId, tally);
            statistics.refreshIfGrown(tally.imported());
        }));
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Keeps the planner's row counts current while the table grows: without fresh statistics
     * PostgreSQL keeps planning the duplicate checks as for an empty table (sequential scans), and a
     * large import slows to a crawl. Refreshed each time the table has doubled, so O(log n) times.
     */
    private final class Statistics {
        private final long initial;
        private long lastAnalyzedAt;

        Statistics(long initial) {
            this.initial = initial;
            this.lastAnalyzedAt = initial;
        }

        void refreshIfGrown(long imported) {
            long rows = initial + imported;
            if (rows >= ANALYZE_FROM_ROWS && rows >= 2 * lastAnalyzedAt) {
                repository.analyze();
                lastAnalyzedAt = rows;
            }
        }
    }

    private static Map<String, Integer> header(List<String> header) {
        if (header == null) {
            throw ProblemException.invalid("file", "the file is empty; the first line must name the columns");
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().replace("\uFEFF", "").toLowerCase(Locale.ROOT).replace("_", "");
            if (!COLUMNS.contains(name)) {
                throw ProblemException.invalid("file", "unknown column '" + header.get(i).strip()
                        + "'; known: cardNumber, externalId, phone, email, firstName, lastName, birthDate, language, categories, emailMarketing, referralCode");
            }
            if (columns.put(name, i) != null) {
                throw ProblemException.invalid("file", "column '" + header.get(i).strip() + "' appears twice");
            }
        }
        return columns;
    }

    private Row row(long line, List<String> record, Map<String, Integer> columns, Tally tally) {
        if (record.size() != columns.size()) {
            tally.reject(line, "wrong number of fields: " + record.size() + " instead of " + columns.size());
            return null;
        }
        LocalDate birthDate = null;
        String birth = field(record, columns, "birthdate");
        if (birth != null) {
            try {
                birthDate = LocalDate.parse(birth.trim());
            } catch (DateTimeParseException e) {
                tally.reject(line, "invalid birthDate: use YYYY-MM-DD");
                return null;
            }
        }
        Boolean consent = bool(field(record, columns, "emailmarketing"));
        if (consent == null && field(record, columns, "emailmarketing") != null) {
            tally.reject(line, "invalid emailMarketing: use true or false");
            return null;
        }
        String categories = field(record, columns, "categories");
        MemberDetails details = new MemberDetails(field(record, columns, "cardnumber"),
                field(record, columns, "externalid"), field(record, columns, "phone"), field(record, columns, "email"),
                field(record, columns, "firstname"), field(record, columns, "lastname"), birthDate,
                field(record, columns, "language"),
                categories == null ? null : Arrays.stream(categories.split("[;|]")).filter(s -> !s.isBlank()).toList(),
                consent, field(record, columns, "referralcode"));
        Validation v = new Validation();
        MemberRules.Normalised fields = rules.normalise(details, v);
        if (v.hasErrors()) {
            var first = v.violations().getFirst();
            tally.reject(line, "invalid " + first.field() + ": " + first.message());
            return null;
        }
        return new Row(line, details, fields);
    }

    private void flush(List<Row> rows, Long storeId, Tally tally) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            transactions.executeWithoutResult(status -> insertBatch(rows, storeId, tally.child()));
            tally.merge();
        } catch (DataIntegrityViolationException e) {
            // Someone enrolled one of these people at the same moment: fall back to one row at a time.
            tally.discardChild();
            for (Row row : rows) {
                try {
                    members.enrol(row.details(), EnrolmentChannel.IMPORT, storeId);
                    tally.countImported(1);
                } catch (ProblemException p) {
                    tally.reject(row.line(), p.errors().isEmpty() ? p.getMessage()
                            : p.errors().getFirst().field() + ": " + p.errors().getFirst().message());
                }
            }
        }
    }

    private void insertBatch(List<Row> rows, Long storeId, Tally tally) {
        Set<String> emails = new HashSet<>(), phones = new HashSet<>(), externalIds = new HashSet<>(),
                cards = new HashSet<>(), referrals = new HashSet<>();
        rows.forEach(r -> {
            add(emails, r.fields().email());
            add(phones, r.fields().phone());
            add(externalIds, r.fields().externalId());
            add(cards, r.fields().cardNumber());
            add(referrals, r.fields().referralCode());
        });
        Set<String> takenEmails = repository.existing("members", "email", emails);
        Set<String> takenPhones = repository.existing("members", "phone", phones);
        Set<String> takenExternal = repository.existing("members", "external_id", externalIds);
        Set<String> takenCards = repository.existing("cards", "card_number", cards);
        Map<String, Long> referrers = referrals.isEmpty() ? Map.of() : repository.idsByReferralCodes(referrals);

        Set<String> seen = new HashSet<>();
        List<Row> accepted = new ArrayList<>(rows.size());
        for (Row r : rows) {
            MemberRules.Normalised f = r.fields();
            String reason = taken(f.email(), takenEmails, seen, "e", "email belongs to another member")
                    + taken(f.phone(), takenPhones, seen, "p", "phone belongs to another member")
                    + taken(f.externalId(), takenExternal, seen, "x", "externalId belongs to another member")
                    + taken(f.cardNumber(), takenCards, seen, "c", "cardNumber is already issued");
            if (reason.isEmpty() && f.referralCode() != null && !referrers.containsKey(f.referralCode())) {
                reason = "unknown referralCode";
            }
            if (!reason.isEmpty()) {
                tally.reject(r.line(), reason.split(";")[0]);
                continue;
            }
            mark(seen, "e", f.email());
            mark(seen, "p", f.phone());
            mark(seen, "x", f.externalId());
            mark(seen, "c", f.cardNumber());
            accepted.add(r);
        }
        if (accepted.isEmpty()) {
            return;
        }
        List<Long> ids = repository.nextValues("member_seq", accepted.size());
        List<String> newCards = generatedCards((int) accepted.stream().filter(r -> r.fields().cardNumber() == null).count());
        List<String> codes = referralCodes(accepted.size());
        OffsetDateTime now = OffsetDateTime.now(clock);
        MapSqlParameterSource[] memberRows = new MapSqlParameterSource[accepted.size()];
        MapSqlParameterSource[] cardRows = new MapSqlParameterSource[accepted.size()];
        int generated = 0;
        for (int i = 0; i < accepted.size(); i++) {
            MemberRules.Normalised f = accepted.get(i).fields();
            Long referrer = f.referralCode() == null ? null : referrers.get(f.referralCode());
            memberRows[i] = new MemberRepository.NewMember(ids.get(i), f, codes.get(i), referrer, storeId,
                    EnrolmentChannel.IMPORT, now).params();
            String card = f.cardNumber() != null ? f.cardNumber() : newCards.get(generated++);
            cardRows[i] = new MapSqlParameterSource().addValue("number", card).addValue("memberId", ids.get(i))
                    .addValue("at", now);
        }
        jdbc.batchUpdate(MemberRepository.INSERT_MEMBER, memberRows);
        jdbc.batchUpdate(MemberRepository.INSERT_CARD, cardRows);
        tally.imported += accepted.size();
    }

    private List<String> generatedCards(int count) {
        List<String> numbers = new ArrayList<>(count);
        while (numbers.size() < count) {
            List<String> candidates = repository.nextValues("card_seq", count - numbers.size()).stream()
                    .map(n -> CardNumber.generated(n).value()).toList();
            Set<String> taken = repository.existing("cards", "card_number", candidates);
            candidates.stream().filter(c -> !taken.contains(c)).forEach(numbers::add);
        }
        return numbers;
    }

    /**
     * New referral codes, distinct within the batch. A clash with an existing code (about one batch
     * in a thousand at a million members) fails the batch's unique constraint, and the batch is then
     * enrolled row by row, where every row gets a checked code.
     */
    private static List<String> referralCodes(int count) {
        Set<String> codes = new HashSet<>();
        while (codes.size() < count) {
            codes.add(Secrets.random(8).toUpperCase(Locale.ROOT));
        }
        return new ArrayList<>(codes);
    }

    private static String taken(String value, Set<String> inDatabase, Set<String> inFile, String kind, String reason) {
        if (value == null) {
            return "";
        }
        if (inDatabase.contains(value)) {
            return reason + ";";
        }
        return inFile.contains(kind + value) ? "duplicate of an earlier row: " + reason.split(" ")[0] + ";" : "";
    }

    private static void mark(Set<String> seen, String kind, String value) {
        if (value != null) {
            seen.add(kind + value);
        }
    }

    private static void add(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }

    private static String field(List<String> record, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        if (index == null) {
            return null;
        }
        String value = record.get(index);
        return value == null || value.isBlank() ? null : value;
    }

    private static Boolean bool(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "y" -> Boolean.TRUE;
            case "false", "no", "0", "n" -> Boolean.FALSE;
            default -> null;
        };
    }

    private record RawRow(long line, List<String> fields) {
    }

    private record Row(long line, MemberDetails details, MemberRules.Normalised fields) {
    }

    /** Running counts; a batch counts into a child that is merged only when its transaction commits. */
    private static final class Tally {
        volatile long rowsRead;
        volatile long imported;
        long rejected;
        final Map<String, Long> byReason = new TreeMap<>();
        final List<ImportReport.Rejection> rejections = new ArrayList<>();
        private Tally pending;

        synchronized void countImported(long n) {
            imported += n;
        }

        synchronized long imported() {
            return imported;
        }

        synchronized void reject(long line, String reason) {
            rejected++;
            String key = reason.replaceAll("'[^']*'", "'…'");
            byReason.merge(key.length() > 120 ? key.substring(0, 120) : key, 1L, Long::sum);
            if (rejections.size() < ImportReport.REJECTIONS_LISTED_MAX) {
                rejections.add(new ImportReport.Rejection(line, reason));
            }
        }

        synchronized Tally child() {
            pending = new Tally();
            return pending;
        }

        synchronized void discardChild() {
            pending = null;
        }

        synchronized void merge() {
            if (pending == null) {
                return;
            }
            imported += pending.imported;
            pending.rejections.forEach(r -> reject(r.line(), r.reason()));
            pending = null;
        }
    }
}
