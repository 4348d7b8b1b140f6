package io.patron.sms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.patron.IntegrationTest;
import io.patron.members.MemberId;
import io.patron.sms.Sms;
import io.patron.sms.SmsChannel;
import io.patron.sms.SmsMessage;
import io.patron.sms.SmsProvider;
import io.patron.sms.SmsText;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Text messages through both providers to fakes of what operators run: an SMSC speaking SMPP 3.4 (the
 * jsmpp server side) and an HTTP gateway. Each message arrives once, in the right encoding and parts,
 * and the provider's delivery report reaches the message; a gateway that fails is tried again.
 */
class SmsProvidersTest extends IntegrationTest {

    @Autowired
    SmsOutbox outbox;

    @Autowired
    SmsChannel channel;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    Clock clock;

    @LocalServerPort
    int port;

    /** The sender's first retry in these tests: longer than one run of the sender takes here. */
    private static final long RETRY_MILLIS = 1500;

    private long pending(String recipient, String text) {
        Sms sms = Sms.transactional("test", null, recipient, text);
        return transactions.execute(s -> outbox.insert(sms, SmsText.segments(text), BigDecimal.ZERO, SmsMessage.Status.PENDING, null,
                OffsetDateTime.now(clock).minusSeconds(1)));
    }

    private SmsSender sender(SmsProvider provider) {
        return new SmsSender(outbox, new StaticListableBeanFactory(Map.of("provider", provider)).getBeanProvider(SmsProvider.class),
                transactions, clock, 300, RETRY_MILLIS);
    }

    private static String phone() {
        return "+3736" + String.format("%07d", Math.floorMod(System.nanoTime(), 10_000_000L));
    }

    @Test
    void smppCarriesGsmTextInOnePartAndCyrillicInConcatenatedUcs2PartsEachOnceWithTheirDeliveryReceipts() throws Exception {
        try (FakeSmsc smsc = new FakeSmsc()) {
            SmppProvider provider = new SmppProvider("127.0.0.1", smsc.port(), "patron", "secret", "", "Patron", 5000, channel);
            try {
                String latin = phone();
                String cyrillic = phone();
                String russian = "Здравствуйте, Ольга! Ваш код для списания баллов: 123456. Он действует пять минут. Никому его не сообщайте.";
                long first = pending(latin, "Your code: 123456. Valid 5 min.");
                long second = pending(cyrillic, russian);
                SmsSender sender = sender(provider);
                sender.sendDue();
                sender.sendDue();

                List<SubmitSm> toLatin = smsc.to(latin);
                assertThat(toLatin).hasSize(1);
                assertThat(toLatin.getFirst().getDataCoding()).isEqualTo((byte) 0x00);
                assertThat(SmsText.fromGsm(toLatin.getFirst().getShortMessage())).isEqualTo("Your code: 123456. Valid 5 min.");
                assertThat(toLatin.getFirst().getSourceAddr()).isEqualTo("Patron");

                List<SubmitSm> toCyrillic = smsc.to(cyrillic);
                assertThat(toCyrillic).hasSize(SmsText.segments(russian).parts()).hasSize(2);
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                for (int i = 0; i < toCyrillic.size(); i++) {
                    SubmitSm part = toCyrillic.get(i);
                    assertThat(part.getDataCoding()).isEqualTo((byte) 0x08);
                    assertThat(part.getEsmClass() & 0x40).as("a user data header").isEqualTo(0x40);
                    byte[] body = part.getShortMessage();
                    assertThat(Arrays.copyOfRange(body, 0, 3)).containsExactly(0x05, 0x00, 0x03);
                    assertThat(body[4]).isEqualTo((byte) 2);
                    assertThat(body[5]).isEqualTo((byte) (i + 1));
                    text.writeBytes(Arrays.copyOfRange(body, 6, body.length));
                }
                assertThat(text.toString(StandardCharsets.UTF_16BE)).isEqualTo(russian);

                SmsMessage sent = outbox.find(first).orElseThrow();
                assertThat(sent.status()).isEqualTo(SmsMessage.Status.SENT);
                assertThat(sent.provider()).isEqualTo("smpp");
                assertThat(sent.providerId()).isEqualTo(smsc.idOf(toLatin.getFirst()));

                smsc.receipt(sent.providerId(), DeliveryReceiptState.DELIVRD);
                smsc.receipt(outbox.find(second).orElseThrow().providerId(), DeliveryReceiptState.UNDELIV);
                waitFor(() -> outbox.find(first).orElseThrow().status() == SmsMessage.Status.DELIVERED
                        && outbox.find(second).orElseThrow().status() == SmsMessage.Status.UNDELIVERED);
                assertThat(outbox.find(second).orElseThrow().lastError()).contains("UNDELIV");
            } finally {
                provider.close();
            }
        }
    }

    @Test
    void theHttpGatewayGetsTheTextOnceAfterAFailureAndItsReportReachesTheMessage() throws Exception {
        List<Map<String, String>> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/send", exchange -> {
            int call = calls.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] answer;
            if (call == 1) {
                exchange.sendResponseHeaders(500, -1);
            } else {
                Map<String, String> form = form(body);
                form.put("auth", exchange.getRequestHeaders().getFirst("Authorization"));
                received.add(form);
                answer = ("{\"status\":\"ok\",\"message_id\":\"gw-" + call + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        gateway.start();
        try {
            HttpSmsProvider provider = new HttpSmsProvider("http://127.0.0.1:" + gateway.getAddress().getPort() + "/send", "POST",
                    "to={to}&text={text}&from={from}", "application/x-www-form-urlencoded", Map.of("Authorization", "Basic dGVzdDp0ZXN0"),
                    "\"?(?:message_?id|id)\"?\\s*[:=]\\s*\"?([A-Za-z0-9_.:-]+)", "Patron", 2000);
            String to = phone();
            String armenian = "Բարև, Անի։ Ձեր կոդը՝ 654321։";
            long id = pending(to, armenian);
            SmsSender sender = sender(provider);
            sender.sendDue();
            SmsMessage failed = outbox.find(id).orElseThrow();
            assertThat(failed.status()).isEqualTo(SmsMessage.Status.PENDING);
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.lastError()).contains("500");
            Thread.sleep(RETRY_MILLIS + 100);
            sender.sendDue();
            sender.sendDue();
            assertThat(received).hasSize(1);
            assertThat(received.getFirst()).containsEntry("to", to).containsEntry("text", armenian).containsEntry("from", "Patron")
                    .containsEntry("auth", "Basic dGVzdDp0ZXN0");
            SmsMessage sent = outbox.find(id).orElseThrow();
            assertThat(sent.status()).isEqualTo(SmsMessage.Status.SENT);
            assertThat(sent.providerId()).isEqualTo("gw-2");

            // The gateway reports delivery to the URL with the configured token (IntegrationTest's).
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + port + "/sms/reports/not-the-token?id=gw-2&status=DELIVRD")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(404);
            assertThat(outbox.find(id).orElseThrow().status()).isEqualTo(SmsMessage.Status.SENT);
            HttpResponse<String> report = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sms/reports/"
                    + SMS_REPORT_TOKEN)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("id=gw-2&status=DELIVRD")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
            assertThat(outbox.find(id).orElseThrow().status()).isEqualTo(SmsMessage.Status.DELIVERED);
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void aReportThatArrivesBeforeItsMessageIsMarkedSentIsMatchedAfterwards() {
        String to = phone();
        long id = pending(to, "Early report");
        assertThat(channel.report(new io.patron.sms.SmsDeliveryReport("http", "early-" + id, true, "DELIVRD"))).isFalse();
        transactions.executeWithoutResult(s -> outbox.markSent(id, "http", "early-" + id, OffsetDateTime.now(clock)));
        transactions.executeWithoutResult(s -> outbox.applyWaiting(OffsetDateTime.now(clock)));
        assertThat(outbox.find(id).orElseThrow().status()).isEqualTo(SmsMessage.Status.DELIVERED);
    }

    @Test
    void marketingNeedsSmsConsentAndEveryMemberHasAnHourlyLimit() {
        io.patron.Api till = io.patron.Api.bearer(port, DEMO_TILL_KEY);
        String without = io.patron.TestData.phone();
        long noConsent = till.post("/api/v1/members", io.patron.Api.json(Map.of("phone", without))).json().path("id").asLong();
        String with = io.patron.TestData.phone();
        long consent = till.post("/api/v1/members", io.patron.Api.json(Map.of("phone", with,
                "consents", Map.of("smsMarketing", true)))).json().path("id").asLong();

        SmsChannel.Queued refused = transactions.execute(s -> channel.queue(Sms.marketing("journey-birthday", new MemberId(noConsent), without, "Happy birthday!")));
        assertThat(refused.status()).isEqualTo(SmsMessage.Status.REFUSED);
        assertThat(refused.reason()).isEqualTo("NO_CONSENT");
        SmsChannel.Queued transactional = transactions.execute(s -> channel.queue(Sms.transactional("redemption-code", new MemberId(noConsent), without, "Code ******")));
        assertThat(transactional.status()).isEqualTo(SmsMessage.Status.CAPTURED);
        SmsChannel.Queued allowed = transactions.execute(s -> channel.queue(Sms.marketing("journey-birthday", new MemberId(consent), with, "Happy birthday!")));
        assertThat(allowed.status()).isEqualTo(SmsMessage.Status.CAPTURED);

        List<SmsMessage.Status> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(transactions.execute(s -> channel.queue(Sms.transactional("test", new MemberId(consent), with, "Message"))).status());
        }
        // Ten an hour (the default): one was queued above, so nine more pass and the rest are refused.
        assertThat(Collections.frequency(statuses, SmsMessage.Status.CAPTURED)).isEqualTo(9);
        assertThat(Collections.frequency(statuses, SmsMessage.Status.REFUSED)).isEqualTo(3);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> values = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not reached in 10 s");
            }
            Thread.sleep(50);
        }
    }

    /** An SMSC: accepts binds, records each submit_sm with the id it gave, sends delivery receipts on request. */
    static final class FakeSmsc implements AutoCloseable, ServerMessageReceiverListener {

        private final int port = freePort();
        private final SMPPServerSessionListener listener = new SMPPServerSessionListener(port);
        private final List<SubmitSm> submitted = new CopyOnWriteArrayList<>();
        private final Map<SubmitSm, String> ids = Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
        private final AtomicInteger next = new AtomicInteger(1000);
        private final Thread acceptor;

        FakeSmsc() throws java.io.IOException {
            listener.setMessageReceiverListener(this);
            acceptor = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        SMPPServerSession session = listener.accept();
                        BindRequest bind = session.waitForBind(5000);
                        if (bind.getBindType() == BindType.BIND_TRX && "patron".equals(bind.getSystemId()) && "secret".equals(bind.getPassword())) {
                            bind.accept("fake-smsc");
                            sessions.add(session);
                        } else {
                            bind.reject(0x0E);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return port;
        }

        private static int freePort() {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        List<SubmitSm> to(String phone) {
            return submitted.stream().filter(s -> ("+" + s.getDestAddress()).equals(phone)).toList();
        }

        String idOf(SubmitSm sm) {
            return ids.get(sm);
        }

        void receipt(String messageId, DeliveryReceiptState state) throws Exception {
            DeliveryReceipt receipt = new DeliveryReceipt(messageId, 1, state == DeliveryReceiptState.DELIVRD ? 1 : 0, new Date(), new Date(),
                    state, "000", "");
            sessions.getFirst().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "37360000000",
                    TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Patron",
                    new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT), (byte) 0, (byte) 0,
                    new RegisteredDelivery(0), DataCodings.ZERO, receipt.toString().getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source) throws ProcessRequestException {
            String id = String.valueOf(next.incrementAndGet());
            submitted.add(submitSm);
            ids.put(submitSm, id);
            try {
                return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException(e.getMessage(), 0x08);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public void close() throws Exception {
            acceptor.interrupt();
            for (SMPPServerSession s : sessions) {
                s.unbindAndClose();
            }
            listener.close();
        }
    }
}
