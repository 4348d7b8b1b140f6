import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Patron's load generator (JDK only; run with `java bench/Bench.java …`). Closed-loop clients on
 * loopback, each sending one request after the other; prints throughput and latency percentiles.
 *
 *   gen-members N FILE                      a members CSV for the import benchmark
 *   enrol   BASE KEY CLIENTS SECONDS        POST /api/v1/members with new people
 *   lookup  BASE KEY CARDS CLIENTS SECONDS  GET /api/v1/members?cardNumber= for cards listed in file CARDS
 *   open-commit BASE KEY CARDS RATE SECONDS  commits sent at a fixed RATE per second whatever the answers
 *                                          (open loop); latency counts from the planned send time
 *   overload BASE KEYS CARDS CLIENTS SECONDS [ADMIN_PASSWORD]
 *                                          closed-loop commits, client i with key i of file KEYS (a till each),
 *                                          waiting Retry-After after a refusal (429/503) as the till contract
 *                                          asks; successes and refusals apart; with the admin password also
 *                                          the refusals' p99 as Patron's own histogram measured them
 *   history BASE KEY N                      one member's N sequential 5-line commits; medians of commits 451–500 and of
 *                                          the last 50, then 50 quotes for that member and 50 for a new one
 *   members BASE KEY N FILE                 enrols N members through the API, their cards to FILE
 *   ledger-sim BASE KEY ADMIN_PASSWORD SEED OPS CLIENTS MEMBERS ACKED
 *                                          seeded sales, redemptions, returns, adjustments and retries on a
 *                                          few hot members, retried until final; acknowledged receipts to ACKED
 */
public class Bench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "gen-members" -> generateMembers(Integer.parseInt(args[1]), Path.of(args[2]));
            case "enrol" -> {
                String base = args[1], key = args[2];
                long run = System.currentTimeMillis() % 100_000_000L;
                AtomicLong sequence = new AtomicLong();
                load("enrol", Integer.parseInt(args[3]), Integer.parseInt(args[4]), client -> {
                    long n = sequence.incrementAndGet();
                    String body = "{\"email\":\"bench" + run + "x" + n + "@example.org\",\"firstName\":\"Bench\",\"lastName\":\"Member"
                            + n + "\",\"language\":\"ru\",\"consents\":{\"emailMarketing\":true}}";
                    return post(base + "/api/v1/members", key, body);
                }, 201);
            }
            case "lookup" -> {
                String base = args[1], key = args[2];
                List<String> cards = Files.readAllLines(Path.of(args[3])).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
                Random seeds = new Random(42);
                ConcurrentHashMap<Integer, Random> randoms = new ConcurrentHashMap<>();
                load("lookup", Integer.parseInt(args[4]), Integer.parseInt(args[5]), client -> {
                    Random r = randoms.computeIfAbsent(client, c -> new Random(seeds.nextLong() + c));
                    return get(base + "/api/v1/members?cardNumber=" + cards.get(r.nextInt(cards.size())), key);
                }, 200);
            }
            case "history" -> history(args[1], args[2], Integer.parseInt(args[3]));
            case "members" -> enrolMembers(args[1], args[2], Integer.parseInt(args[3]), Path.of(args[4]));
            case "open-commit" -> openLoop(args[1], args[2], Path.of(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "overload" -> overload(args[1], Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    args.length > 6 ? args[6] : null);
            case "ledger-sim" -> ledgerSimulation(args[1], args[2], args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]), Path.of(args[8]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static String enrolOne(String base, String key, String email) throws Exception {
        HttpResponse<String> r = post(base + "/api/v1/members", key, "{\"email\":\"" + email + "\",\"firstName\":\"Bench\",\"language\":\"ru\"}");
        if (r.statusCode() != 201) {
            throw new IllegalStateException("enrolment failed: " + r.statusCode() + " " + r.body());
        }
        var m = java.util.regex.Pattern.compile("\"cardNumber\":\"(\\d+)\"").matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("no card number in " + r.body());
        }
        return m.group(1);
    }

    static void enrolMembers(String base, String key, int n, Path file) throws Exception {
        long run = System.currentTimeMillis() % 100_000_000L;
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cards.add(enrolOne(base, key, "checkout" + run + "x" + i + "@example.org"));
        }
        Files.write(file, cards);
    }

    /**
     * How a sale's cost grows with the member's history: one member, {@code n} commits one after the
     * other (medians of commits 451–500 and of the last 50), then 50 quotes for that member and 50 for
     * a member with no history (medians). Every request must succeed.
     */
    static void history(String base, String key, int n) throws Exception {
        long run = System.currentTimeMillis() % 100_000_000L;
        String loyal = enrolOne(base, key, "loyal" + run + "@example.org");
        String fresh = enrolOne(base, key, "fresh" + run + "@example.org");
        Random r = new Random(20261206);
        long[] commits = new long[n];
        for (int i = 0; i < n; i++) {
            String body = basket("H" + run + "-" + i, loyal, r);
            long t0 = System.nanoTime();
            HttpResponse<String> answer = post(base + "/api/v1/purchases", key, body);
            commits[i] = System.nanoTime() - t0;
            if (answer.statusCode() != 201) {
                throw new IllegalStateException("commit " + i + ": " + answer.statusCode() + " " + answer.body());
            }
        }
        long[] loyalQuotes = new long[50];
        long[] freshQuotes = new long[50];
        for (int i = 0; i < 50; i++) {
            // Alternating, so that both see the same machine.
            loyalQuotes[i] = timed(base + "/api/v1/purchases/quote", key, basket("QL" + run + "-" + i, loyal, r));
            freshQuotes[i] = timed(base + "/api/v1/purchases/quote", key, basket("QF" + run + "-" + i, fresh, r));
        }
        int early = Math.min(500, n);
        double c500 = median(Arrays.copyOfRange(commits, Math.max(0, early - 50), early));
        double cLast = median(Arrays.copyOfRange(commits, n - 50, n));
        double qLoyal = median(loyalQuotes);
        double qFresh = median(freshQuotes);
        System.out.printf(java.util.Locale.ROOT, "   commit median after %d purchases: %.2f ms; after %d: %.2f ms; ratio %.2f (target <= 1.2)%n",
                early, c500, n, cLast, cLast / c500);
        System.out.printf(java.util.Locale.ROOT, "   quote median, member with %d purchases: %.2f ms; new member: %.2f ms; ratio %.2f (target <= 1.2)%n",
                n, qLoyal, qFresh, qLoyal / qFresh);
    }

    private static long timed(String url, String key, String body) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> answer = post(url, key, body);
        long took = System.nanoTime() - t0;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("quote: " + answer.statusCode() + " " + answer.body());
        }
        return took;
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        double mid = sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2.0;
        return mid / 1_000_000.0;
    }

    /**
     * Open-loop load: request i is due at start + i / rate and is sent then on its own virtual thread,
     * however slow earlier answers are, so queueing shows up in the latency (no coordinated omission).
     */
    static void openLoop(String base, String key, Path cardsFile, int rate, int seconds) throws Exception {
        List<String> cards = Files.readAllLines(cardsFile).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
        int warmUp = rate * Math.max(5, seconds / 5); // discarded: the client's own JIT warms up here
        int total = rate * seconds + warmUp;
        long[] latencies = new long[total];
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        Random random = new Random(11);
        String run = Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime() + 100_000_000L;
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * (1e9 / rate));
            String body = basket("O" + run + "-" + i, cards.get(random.nextInt(cards.size())), random);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            int index = i;
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/purchases")).header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        latencies[index] = System.nanoTime() - due;
                        if (failure != null || response.statusCode() != 201) {
                            errors.incrementAndGet();
                        }
                        done.countDown();
                    });
        }
        done.await();
        long[] sorted = Arrays.copyOfRange(latencies, warmUp, total);
        Arrays.sort(sorted);
        System.out.printf("open-loop commits rate=%d/s seconds=%d measured=%d (after %d warm-up) p50=%.2fms p99=%.2fms max=%.2fms errors=%d%n",
                rate, seconds, total - warmUp, warmUp, pct(sorted, 50), pct(sorted, 99), sorted[sorted.length - 1] / 1e6, errors.get());
    }

    static String basket(String receipt, String card, Random random) {
        String[] categories = {"home", "food", "toys", "garden", "tobacco"};
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            if (i > 1) {
                lines.append(',');
            }
            lines.append("{\"lineId\":\"").append(i).append("\",\"sku\":\"SKU").append(1000 + random.nextInt(9000))
                    .append("\",\"category\":\"").append(categories[random.nextInt(categories.length)])
                    .append("\",\"quantity\":").append(1 + random.nextInt(3)).append(",\"unitPrice\":")
                    .append(1 + random.nextInt(900)).append('.').append(String.format("%02d", random.nextInt(100))).append('}');
        }
        return "{\"receiptId\":\"" + receipt + "\",\"member\":{\"cardNumber\":\"" + card + "\"},\"lines\":[" + lines
                + "],\"couponCodes\":[],\"pointsToRedeem\":0}";
    }

    static void generateMembers(int n, Path file) throws IOException {
        Random random = new Random(7);
        String[] first = {"Anna", "Ivan", "Olga", "Sergei", "Maria", "Ion", "Elena", "Ani", "Aram", "Natalia"};
        String[] last = {"Ivanova", "Petrov", "Smirnova", "Popescu", "Rusu", "Sargsyan", "Hakobyan", "Kuznetsova"};
        String[] languages = {"ru", "ru", "ru", "ro", "hy", "en"};
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("externalId,phone,email,firstName,lastName,birthDate,language,emailMarketing\n");
            for (int i = 1; i <= n; i++) {
                out.write("C" + i + ",+7910" + String.format("%07d", i) + ",m" + i + "@bench.example.org,"
                        + first[random.nextInt(first.length)] + "," + last[random.nextInt(last.length)] + ","
                        + (1940 + random.nextInt(65)) + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10) + ","
                        + languages[random.nextInt(languages.length)] + "," + random.nextBoolean() + "\n");
            }
        }
        System.out.println("generated " + n + " members into " + file);
    }

    static HttpResponse<String> post(String url, String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    interface Call {
        HttpResponse<String> call(int client) throws Exception;
    }

    /** Runs CLIENTS closed-loop clients for SECONDS after a warm-up of a fifth of that, then prints. */
    static void load(String name, int clients, int seconds, Call call, int expectedStatus) throws Exception {
        long warmUpEnd = System.nanoTime() + Duration.ofSeconds(Math.max(2, seconds / 5)).toNanos();
        long end = warmUpEnd + Duration.ofSeconds(seconds).toNanos();
        List<long[]> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            long[] mine = new long[4_000_000];
            latencies.add(mine);
            Thread.ofPlatform().start(() -> {
                int count = 0;
                try {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        HttpResponse<String> response = call.call(client);
                        long took = System.nanoTime() - start;
                        if (response.statusCode() != expectedStatus) {
                            if (errors.incrementAndGet() <= 3) {
                                System.err.println(name + ": " + response.statusCode() + " " + response.body());
                            }
                        } else if (start >= warmUpEnd && count < mine.length - 1) {
                            mine[++count] = took;
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println(name + ": " + e);
                } finally {
                    mine[0] = count;
                    done.countDown();
                }
            });
        }
        done.await();
        int total = latencies.stream().mapToInt(l -> (int) l[0]).sum();
        long[] all = new long[total];
        int i = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 1, all, i, (int) l[0]);
            i += (int) l[0];
        }
        Arrays.sort(all);
        System.out.printf("%s clients=%d seconds=%d ops=%d rate=%.1f/s p50=%.2fms p99=%.2fms max=%.2fms errors=%d%n",
                name, clients, seconds, total, total / (double) seconds, pct(all, 50), pct(all, 99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, errors.get());
    }

    /**
     * Closed-loop commits by CLIENTS clients for SECONDS (after a warm-up of a fifth): successful
     * commits per second and their p99, refusals (429/503) per second and their p99, and any other
     * answer (a 5xx counts as an error of Patron's).
     */
    static void overload(String base, Path keysFile, Path cardsFile, int clients, int seconds, String adminPassword) throws Exception {
        Map<Double, Long> refusalsBefore = adminPassword == null ? null : refusalBuckets(base, adminPassword);
        List<String> cards = Files.readAllLines(cardsFile).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> keys = Files.readAllLines(keysFile).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        long warmUpEnd = System.nanoTime() + Duration.ofSeconds(Math.max(3, seconds / 5)).toNanos();
        long end = warmUpEnd + Duration.ofSeconds(seconds).toNanos();
        List<long[]> oks = new ArrayList<>();
        List<long[]> refusals = new ArrayList<>();
        AtomicLong others = new AtomicLong();
        AtomicLong serverErrors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int c = 0; c < clients; c++) {
            long[] ok = new long[2_000_000];
            long[] refused = new long[2_000_000];
            oks.add(ok);
            refusals.add(refused);
            int client = c;
            Thread.ofPlatform().start(() -> {
                Random random = new Random(client);
                try {
                    String key = keys.get(client % keys.size());
                    for (int n = 0; System.nanoTime() < end; n++) {
                        long start = System.nanoTime();
                        int status;
                        long retryAfter = 0;
                        try {
                            HttpResponse<String> r = post(base + "/api/v1/purchases", key, basket("V" + run + "-" + client + "-" + n,
                                    cards.get(random.nextInt(cards.size())), random));
                            status = r.statusCode();
                            retryAfter = r.headers().firstValueAsLong("Retry-After").orElse(status == 429 || status == 503 ? -1 : 0);
                        } catch (Exception e) {
                            status = -1;
                        }
                        long took = System.nanoTime() - start;
                        if (status == 429 || status == 503) {
                            // A till waits as long as it is told to before it sends the sale again.
                            Thread.sleep(Math.max(0, retryAfter) * 1000);
                        }
                        if (start < warmUpEnd) {
                            continue;
                        }
                        if (status == 201) {
                            ok[(int) Math.min(++ok[0], ok.length - 1)] = took;
                        } else if ((status == 429 || status == 503) && retryAfter > 0) {
                            refused[(int) Math.min(++refused[0], refused.length - 1)] = took;
                        } else {
                            others.incrementAndGet();
                            if (status >= 500 || status < 0) {
                                serverErrors.incrementAndGet();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        long[] okAll = merge(oks);
        long[] refusedAll = merge(refusals);
        String serverSide = "";
        if (adminPassword != null) {
            Map<Double, Long> after = refusalBuckets(base, adminPassword);
            long total = after.getOrDefault(Double.POSITIVE_INFINITY, 0L) - refusalsBefore.getOrDefault(Double.POSITIVE_INFINITY, 0L);
            double p99 = Double.NaN;
            for (Map.Entry<Double, Long> bucket : after.entrySet()) {
                if (total > 0 && bucket.getValue() - refusalsBefore.getOrDefault(bucket.getKey(), 0L) >= Math.ceil(0.99 * total)) {
                    p99 = bucket.getKey() * 1000;
                    break;
                }
            }
            serverSide = Double.isNaN(p99) ? " refused-p99-in-patron=-" : String.format(" refused-p99-in-patron<=%.0fms", p99);
        }
        System.out.printf("overload clients=%d seconds=%d commits/s=%.1f p99=%.2fms refused/s=%.1f refused-p99=%.2fms%s other=%d server-errors=%d%n",
                clients, seconds, okAll.length / (double) seconds, pct(okAll, 99), refusedAll.length / (double) seconds, pct(refusedAll, 99),
                serverSide, others.get(), serverErrors.get());
    }

    /**
     * Patron's histogram of refused commits (429 and 503, every problem code), cumulative count per
     * bucket bound in seconds, in bound order.
     */
    static Map<Double, Long> refusalBuckets(String base, String adminPassword) throws Exception {
        String admin = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).header("Authorization", admin).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<Double, Long> buckets = new java.util.TreeMap<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("^patron_till_seconds_bucket\\{(.*)\\} ([0-9.eE+]+)$");
        for (String l : metrics.split("\n")) {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.matches() && m.group(1).contains("operation=\"commit\"")
                    && (m.group(1).contains("status=\"503\"") || m.group(1).contains("status=\"429\""))) {
                String le = m.group(1).replaceAll(".*le=\"([^\"]+)\".*", "$1");
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.merge(bound, (long) Double.parseDouble(m.group(2)), Long::sum);
            }
        }
        return buckets;
    }

    private static long[] merge(List<long[]> parts) {
        int total = parts.stream().mapToInt(p -> (int) Math.min(p[0], p.length - 1)).sum();
        long[] all = new long[total];
        int i = 0;
        for (long[] p : parts) {
            int n = (int) Math.min(p[0], p.length - 1);
            System.arraycopy(p, 1, all, i, n);
            i += n;
        }
        Arrays.sort(all);
        return all;
    }

    /**
     * The ledger simulation over HTTP: CLIENTS clients fire OPS seeded operations at MEMBERS hot
     * members — sales earning points, sales paying with points, partial returns, adjustments, and
     * exact retries of earlier requests — retrying every answer that is not final (429, 503, no answer
     * while Patron restarts) as a till does. Every acknowledged sale's receipt id is written to ACKED;
     * the script checks them and the ledger's invariants in SQL afterwards.
     */
    static void ledgerSimulation(String base, String tillKey, String adminPassword, long seed, int ops, int clients, int members, Path acked)
            throws Exception {
        String admin = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        List<String> cards = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        String run = Long.toString(seed, 36).replace('-', 'm');
        for (int m = 0; m < members; m++) {
            String enrol = "{\"firstName\":\"Hot" + m + "\",\"email\":\"hot" + m + "-" + run + "@sim.example.org\"}";
            String body = until(() -> post(base + "/api/v1/members", tillKey, enrol)).body();
            cards.add(body.replaceAll(".*\"cardNumber\":\"([0-9]+)\".*", "$1"));
            ids.add(Long.parseLong(body.replaceAll(".*\"id\":([0-9]+).*", "$1")));
        }
        AtomicLong counter = new AtomicLong();
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> purchases = new ConcurrentHashMap<>();
        List<Long> purchaseIds = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Queue<String> ackedReceipts = new java.util.concurrent.ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(clients);
        long started = System.nanoTime();
        AtomicLong finished = new AtomicLong();
        // How far the run is, for the script that kills Patron halfway: operations with a final answer.
        Path progress = acked.resolveSibling(acked.getFileName() + ".progress");
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Files.writeString(progress, finished.get() + "\n");
                    Thread.sleep(500);
                }
            } catch (Exception e) {
                // the run is over
            }
        });
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread.ofPlatform().start(() -> {
                Random random = new Random(seed * 1_000 + client);
                try {
                    long n;
                    while ((n = counter.incrementAndGet()) <= ops) {
                        int who = random.nextInt(members);
                        int kind = random.nextInt(100);
                        String outcome;
                        if (kind < 45 || sent.isEmpty() && kind < 90) {
                            String receipt = "SIM-" + run + "-" + n;
                            String body = "{\"receiptId\":\"" + receipt + "\",\"member\":{\"cardNumber\":\"" + cards.get(who) + "\"},\"lines\":[{\"lineId\":\"1\","
                                    + "\"category\":\"home\",\"quantity\":" + (1 + random.nextInt(3)) + ",\"unitPrice\":" + (50 + random.nextInt(500))
                                    + "}],\"pointsToRedeem\":" + (kind < 25 ? random.nextInt(120) : 0) + "}";
                            sent.add(body);
                            outcome = commit(base, tillKey, receipt, body, purchases, ackedReceipts, purchaseIds);
                        } else if (kind < 70) {
                            String body = sent.get(random.nextInt(sent.size()));
                            String receipt = body.replaceAll(".*\"receiptId\":\"([^\"]+)\".*", "$1");
                            outcome = "retry-" + commit(base, tillKey, receipt, body, purchases, ackedReceipts, purchaseIds);
                        } else if (kind < 85 && !purchaseIds.isEmpty()) {
                            long purchase = purchaseIds.get(random.nextInt(purchaseIds.size()));
                            String body = "{\"returnId\":\"SIMR-" + run + "-" + n + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1}]}";
                            outcome = "return-" + until(() -> post(base + "/api/v1/purchases/" + purchase + "/returns", tillKey, body)).statusCode();
                        } else {
                            long member = ids.get(who);
                            int points = random.nextInt(200) - 60;
                            String key = "sim-" + run + "-" + n;
                            String body = "{\"points\":" + (points == 0 ? 1 : points) + ",\"reason\":\"simulation\"}";
                            outcome = "adjust-" + until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/members/" + member + "/adjustments"))
                                    .header("Authorization", admin).header("Content-Type", "application/json").header("Idempotency-Key", key)
                                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString())).statusCode();
                        }
                        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                        finished.incrementAndGet();
                    }
                } catch (Exception e) {
                    outcomes.computeIfAbsent("client-error " + e, k -> new AtomicLong()).incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        Files.write(acked, ackedReceipts);
        double secs = (System.nanoTime() - started) / 1e9;
        System.out.printf("ledger-sim seed=%d ops=%d completed=%d clients=%d members=%d seconds=%.1f rate=%.0f/s acknowledged-sales=%d%n", seed,
                ops, finished.get(), clients, members, secs, finished.get() / secs, ackedReceipts.size());
        new java.util.TreeMap<>(outcomes).forEach((k, v) -> System.out.printf("   %-40s %d%n", k, v.get()));
    }

    private static String commit(String base, String key, String receipt, String body, Map<String, Long> purchases,
                                 java.util.Queue<String> acked, List<Long> purchaseIds) throws Exception {
        HttpResponse<String> r = until(() -> post(base + "/api/v1/purchases", key, body));
        if (r.statusCode() == 201 || r.statusCode() == 200) {
            long id = Long.parseLong(r.body().replaceAll(".*\"purchaseId\":([0-9]+).*", "$1"));
            if (purchases.putIfAbsent(receipt, id) == null) {
                acked.add(receipt);
                purchaseIds.add(id);
            }
        }
        return Integer.toString(r.statusCode());
    }

    interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /**
     * Sends until the answer is final: 429 and 503 are sent again after a pause, as is a request that
     * got no answer at all (Patron restarting), for up to two minutes.
     */
    static HttpResponse<String> until(Request request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = request.send();
                if (r.statusCode() != 429 && r.statusCode() != 503 || System.nanoTime() > deadline) {
                    return r;
                }
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(25);
        }
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
