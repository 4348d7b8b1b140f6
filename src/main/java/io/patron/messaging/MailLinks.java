package io.patron.messaging;

import io.patron.members.MemberId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signed links of a member's mails: one-click unsubscribe and the mail preferences page. A link
 * carries the member id and an HMAC-SHA-256 of it under the installation's key (kept in the database,
 * so every instance signs and checks alike); a forged or altered link is refused. The links do not
 * expire: unsubscribing must keep working from an old mail.
 */
@Component
public class MailLinks {

    private static final String KEY_NAME = "mail-links";

    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;
    private final io.patron.common.PublicUrl publicUrl;
    private volatile byte[] key;

    MailLinks(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock,
              io.patron.common.PublicUrl publicUrl) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    public String unsubscribeUrl(MemberId member) {
        return publicUrl.url("/mail/unsubscribe/" + token(member));
    }

    public String preferencesUrl(MemberId member) {
        return publicUrl.url("/mail/preferences/" + token(member));
    }

    public String token(MemberId member) {
        return member.value() + "." + signature(member.value());
    }

    /** The member a link's token names, if its signature is right. */
    public Optional<MemberId> verify(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        long id;
        try {
            id = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        byte[] expected = signature(id).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Optional.of(new MemberId(id)) : Optional.empty();
    }

    private String signature(long memberId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            byte[] sig = mac.doFinal(("member:" + memberId).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig).substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every JDK", e);
        }
    }

    private byte[] key() {
        byte[] k = key;
        if (k == null) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            // The first instance to need it creates it, in a transaction of its own (a caller's rollback
            // must not take back a key already used); everyone reads the one that won.
            String stored = ownTransaction.execute(status -> {
                jdbc.sql("INSERT INTO installation_secrets (name, secret, created_at) VALUES (:n, :v, :at) ON CONFLICT DO NOTHING")
                        .param("n", KEY_NAME).param("v", HexFormat.of().formatHex(fresh)).param("at", OffsetDateTime.now(clock)).update();
                return jdbc.sql("SELECT secret FROM installation_secrets WHERE name = :n").param("n", KEY_NAME)
                        .query(String.class).single();
            });
            k = HexFormat.of().parseHex(stored);
            key = k;
        }
        return k;
    }
}
