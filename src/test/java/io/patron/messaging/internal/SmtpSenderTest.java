package io.patron.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.patron.IntegrationTest;
import io.patron.messaging.Mail;
import io.patron.messaging.OutboxEntry;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.support.TransactionTemplate;

/** Outbox mails reach a real SMTP server (GreenMail) once, and failures are retried later. */
class SmtpSenderTest extends IntegrationTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP);

    @Autowired
    OutboxRepository outbox;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    Clock clock;

    private SmtpSender sender(int port) {
        JavaMailSenderImpl mail = new JavaMailSenderImpl();
        mail.setHost("127.0.0.1");
        mail.setPort(port);
        mail.getJavaMailProperties().put("mail.smtp.connectiontimeout", "2000");
        ObjectProvider<JavaMailSender> provider = new org.springframework.beans.factory.support.StaticListableBeanFactory(
                java.util.Map.of("mailSender", mail)).getBeanProvider(JavaMailSender.class);
        return new SmtpSender(outbox, provider, transactions, clock, "127.0.0.1", "Patron <no-reply@patron.test>", 600);
    }

    private long queue(String to) {
        return transactions.execute(s -> outbox.insert(new Mail("test", null, to, "Привет, Անի", "Текст — Բարև", "<p>Բարև</p>"),
                OutboxEntry.Status.PENDING, OffsetDateTime.now(clock).minusSeconds(1)));
    }

    @Test
    void aPendingMailIsSentOnceWithItsUnicodeIntact() throws Exception {
        String to = "smtp" + System.nanoTime() + "@example.org";
        long id = queue(to);
        SmtpSender sender = sender(ServerSetupTest.SMTP.getPort());
        sender.sendDue();
        sender.sendDue();
        MimeMessage[] received = greenMail.getReceivedMessagesForDomain("example.org");
        java.util.List<MimeMessage> mine = new java.util.ArrayList<>();
        for (MimeMessage m : received) {
            if (GreenMailUtil.getAddressList(m.getAllRecipients()).contains(to)) {
                mine.add(m);
            }
        }
        assertThat(mine).hasSize(1);
        MimeMessage message = mine.getFirst();
        assertThat(message.getSubject()).isEqualTo("Привет, Անի");
        assertThat(plainText(message)).isEqualTo("Текст — Բարև");
        assertThat(outbox.find(id).orElseThrow().status()).isEqualTo(OutboxEntry.Status.SENT);
    }

    private static String plainText(jakarta.mail.Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = plainText(multipart.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    @Test
    void aFailedDeliveryIsRetriedLaterNotLost() {
        long id = queue("retry" + System.nanoTime() + "@example.org");
        sender(1).sendDue(); // nothing listens on port 1
        OutboxEntry after = outbox.find(id).orElseThrow();
        assertThat(after.status()).isEqualTo(OutboxEntry.Status.PENDING);
        assertThat(after.attempts()).isEqualTo(1);
        assertThat(after.lastError()).isNotBlank();
        // Others pending from the first test are already SENT; this one waits for its back-off.
        assertThat(outbox.lockDue(OffsetDateTime.now(clock), 100)).extracting(OutboxEntry::id).doesNotContain(id);
    }
}
