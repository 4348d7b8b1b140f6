package io.patron.webhooks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces a receiver and an operator rely on: the signature scheme, the target guard, the back-off, the sealed secrets. */
class WebhookSigningTest {

    @Test
    void signaturesMatchTheStandardWebhooksReferenceVector() {
        // The published test vector of the Standard Webhooks reference libraries: a receiver's library accepts ours.
        assertThat(Signatures.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        String secret = Signatures.newSecret();
        assertThat(secret).startsWith("whsec_").hasSize(6 + 32);
        assertThat(Signatures.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void targetsInsideTheNetworkAreRefusedUnlessTheOperatorAllowsThem() {
        TargetGuard strict = new TargetGuard(false);
        for (String inside : new String[] {"http://127.0.0.1/hook", "http://localhost:8080/x", "http://10.1.2.3/", "http://192.168.0.10/",
                "http://172.16.5.5/", "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[fd00::1]/", "http://100.64.0.1/",
                "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"}) {
            assertThat(strict.refusal(inside)).as(inside).isNotNull();
        }
        assertThat(strict.refusal("ftp://93.184.216.34/")).contains("http");
        assertThat(strict.refusal("https://user:secret@93.184.216.34/")).contains("user");
        assertThat(strict.refusal("https:///nohost")).isNotNull();
        assertThat(strict.refusal("https://93.184.216.34/hooks")).isNull();
        TargetGuard allowing = new TargetGuard(true);
        assertThat(allowing.refusal("http://127.0.0.1:9000/hook")).isNull();
        assertThat(allowing.refusal("file:///etc/passwd")).as("the scheme is checked all the same").isNotNull();
    }

    @Test
    void retriesBackOffExponentiallyWithJitterUpToTwoHoursAndHonourRetryAfter() {
        Duration first = Duration.ofSeconds(5);
        for (int failures = 1; failures <= 6; failures++) {
            double base = 5_000 * Math.pow(3, failures - 1);
            Duration pause = WebhookSender.backoff(failures, first);
            assertThat(pause.toMillis()).as("after %d failures", failures).isBetween((long) (base * 0.8), (long) (base * 1.2));
        }
        assertThat(WebhookSender.backoff(30, first)).isLessThanOrEqualTo(Duration.ofMinutes(144));
        // Pauses add up past a day before the twelfth attempt: retries continue for the whole day.
        long total = 0;
        for (int failures = 1; failures <= 20; failures++) {
            total += (long) Math.min(5_000 * Math.pow(3, failures - 1), Duration.ofHours(2).toMillis());
        }
        assertThat(Duration.ofMillis(total)).isGreaterThan(Duration.ofHours(24));
        OffsetDateTime now = OffsetDateTime.of(2026, 12, 6, 10, 0, 0, 0, ZoneOffset.UTC);
        assertThat(WebhookSender.retryAfter("120", now)).isEqualTo(Duration.ofMinutes(2));
        assertThat(WebhookSender.retryAfter(now.plusMinutes(3).format(DateTimeFormatter.RFC_1123_DATE_TIME), now))
                .isEqualTo(Duration.ofMinutes(3));
        assertThat(WebhookSender.retryAfter("999999", now)).isEqualTo(Duration.ofHours(6));
        assertThat(WebhookSender.retryAfter("soon", now)).isZero();
    }

    @Test
    void secretsAreSealedWithTheOperatorsKeyAndCannotBeOpenedWithAnother(@TempDir Path dir) {
        SecretBox box = new SecretBox("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", dir.toString());
        String sealed = box.seal("whsec_abc");
        assertThat(sealed).startsWith("v1:").doesNotContain("abc");
        assertThat(box.seal("whsec_abc")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(box.open(sealed)).isEqualTo("whsec_abc");
        SecretBox generated = new SecretBox("", dir.toString());
        assertThat(dir.resolve("webhook-secret.key")).exists();
        assertThat(new SecretBox("", dir.toString()).open(generated.seal("x"))).as("the generated key is kept").isEqualTo("x");
        assertThatThrownBy(() -> generated.open(sealed)).hasMessageContaining("cannot be opened");
        assertThatThrownBy(() -> new SecretBox("c2hvcnQ=", dir.toString())).hasMessageContaining("32 bytes");
    }
}
