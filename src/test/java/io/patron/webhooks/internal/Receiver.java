package io.patron.webhooks.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver as a chain's system would run one, inside the test: it checks each request's
 * Standard Webhooks signature with its own HMAC (not Patron's code), answers as its plan says (500, a
 * dropped connection, an answer after the timeout, 429 with Retry-After, else 200), and notes whether
 * two requests with one webhook-id were ever in flight at once.
 */
final class Receiver implements AutoCloseable {

    record Request(String id, long timestamp, String signature, String body, boolean signedWell, int answered) {
    }

    private final HttpServer server;
    private volatile String secret;
    final Deque<String> plan = new ConcurrentLinkedDeque<>();
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    final AtomicBoolean overlapped = new AtomicBoolean();
    volatile long answerAfterMillis;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void secret(String secret) {
        this.secret = secret;
    }

    String secret() {
        return secret;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!inFlight.add(id)) {
            overlapped.set(true);
        }
        try {
            long timestamp = Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp"));
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            boolean signedWell = verifies(id, timestamp, body, signature);
            String step = plan.poll();
            if (step == null) {
                step = "200";
            }
            if (answerAfterMillis > 0) {
                sleep(answerAfterMillis);
            }
            switch (step) {
                case "drop" -> {
                    requests.add(new Request(id, timestamp, signature, body, signedWell, -1));
                    throw new IOException("the receiver drops the connection"); // the server closes it unanswered
                }
                case "slow" -> {
                    requests.add(new Request(id, timestamp, signature, body, signedWell, -2));
                    sleep(1_600);
                    answer(exchange, 200, "too late");
                }
                case "429" -> {
                    requests.add(new Request(id, timestamp, signature, body, signedWell, 429));
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    answer(exchange, 429, "slow down");
                }
                default -> {
                    int status = Integer.parseInt(step);
                    requests.add(new Request(id, timestamp, signature, body, signedWell, status));
                    answer(exchange, status, status == 200 ? "ok" : "receiver error " + "x".repeat(3000));
                }
            }
        } finally {
            inFlight.remove(id);
        }
    }

    private boolean verifies(String id, long timestamp, String body, String header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String expected = "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
            for (String candidate : header.split(" ")) {
                if (candidate.equals(expected)) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** The webhook-ids answered 200, in the order they were answered (a duplicate counted each time). */
    List<String> delivered() {
        synchronized (requests) {
            return requests.stream().filter(r -> r.answered() == 200).map(Request::id).toList();
        }
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException ignored) {
            // the client gave up waiting
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            server.stop(0);
        }
    }

    private final AtomicBoolean closed = new AtomicBoolean();
}
