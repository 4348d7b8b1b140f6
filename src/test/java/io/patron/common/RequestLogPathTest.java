package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The request log never holds a signed link's token: whoever reads the log could use it. */
class RequestLogPathTest {

    @Test
    void signedLinkTokensAreMaskedAndOtherPathsKept() {
        assertThat(RequestLogFilter.loggedPath("/mail/unsubscribe/42.AbCdEf")).isEqualTo("/mail/unsubscribe/\u2026");
        assertThat(RequestLogFilter.loggedPath("/mail/preferences/42.AbCdEf")).isEqualTo("/mail/preferences/\u2026");
        assertThat(RequestLogFilter.loggedPath("/feedback/t/secret-token")).isEqualTo("/feedback/t/\u2026");
        assertThat(RequestLogFilter.loggedPath("/api/v1/purchases/12/returns")).isEqualTo("/api/v1/purchases/12/returns");
    }
}
