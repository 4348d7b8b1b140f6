package io.patron.messaging.internal;

import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * For tests of other modules: sends a recipient's outbox mails (captured, because the test application
 * has no SMTP server) through the real sender to an SMTP server such as GreenMail.
 */
public final class SmtpDelivery {

    private SmtpDelivery() {
    }

    public static void deliver(String recipient, int port, OutboxRepository outbox, JdbcClient jdbc, TransactionTemplate transactions,
                               Clock clock) {
        jdbc.sql("UPDATE mail_outbox SET status = 'PENDING', next_attempt_at = created_at WHERE recipient = :r AND status = 'CAPTURED'")
                .param("r", recipient).update();
        JavaMailSenderImpl mail = new JavaMailSenderImpl();
        mail.setHost("127.0.0.1");
        mail.setPort(port);
        mail.getJavaMailProperties().put("mail.smtp.connectiontimeout", "2000");
        ObjectProvider<JavaMailSender> provider = new org.springframework.beans.factory.support.StaticListableBeanFactory(
                Map.of("mailSender", mail)).getBeanProvider(JavaMailSender.class);
        new SmtpSender(outbox, provider, transactions, clock, "127.0.0.1", "Patron <no-reply@patron.test>", 600).sendDue();
    }
}
