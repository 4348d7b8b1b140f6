package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Links come from configuration, never from a request; only this installation's host names are answered. */
class PublicUrlTest {

    @Test
    void withoutConfigurationLinksPointAtThePortPatronListensOnAtLocalhost() {
        PublicUrl url = new PublicUrl("", "", 9090);
        assertThat(url.url("/portal")).isEqualTo("http://localhost:9090/portal");
        assertThat(url.allowsHost("localhost:9090")).isTrue();
        assertThat(url.allowsHost("127.0.0.1")).isTrue();
        assertThat(url.allowsHost("[::1]:9090")).isTrue();
        assertThat(url.allowsHost("evil.test")).isFalse();
        assertThat(url.allowsHost(null)).isFalse();
    }

    @Test
    void aConfiguredAddressIsTheOnlyOneLinksUseAndItsHostAndTheListedOnesAreAnswered() {
        PublicUrl url = new PublicUrl("https://loyalty.example.com/", "patron.internal, 10.0.0.5", 8080);
        assertThat(url.base()).isEqualTo("https://loyalty.example.com");
        assertThat(url.allowsHost("LOYALTY.example.com")).isTrue();
        assertThat(url.allowsHost("patron.internal:8080")).isTrue();
        assertThat(url.allowsHost("10.0.0.5")).isTrue();
        assertThat(url.allowsHost("localhost:8080")).as("the local names only without a public address").isFalse();
    }

    @Test
    void aPublicUrlThatIsNotAnHttpAddressStopsTheStart() {
        assertThatThrownBy(() -> new PublicUrl("loyalty.example.com", "", 8080)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PublicUrl("javascript:alert(1)", "", 8080)).isInstanceOf(IllegalStateException.class);
    }
}
