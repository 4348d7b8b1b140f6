package io.patron;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A member signed in to the portal as a browser would be: by the e-mailed link, with the session's cookie and CSRF token. */
public final class PortalSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    public final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    private final int port;
    public String csrf;

    private PortalSession(int port) {
        this.port = port;
    }

    /** A browser that has not signed in. */
    public static PortalSession anonymous(int port) {
        return new PortalSession(port);
    }

    /** Signs the member with this e-mail address in, reading the link from the outbox. */
    public static PortalSession signIn(int port, JdbcClient jdbc, String email) throws Exception {
        PortalSession s = new PortalSession(port);
        s.csrfFrom("/portal/login");
        s.post("/portal/login", "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8));
        // The stored mail holds a mark where the token goes; the token waits beside it for the sender.
        String text = jdbc.sql("SELECT REPLACE(body_text, :mark, secret) FROM mail_outbox WHERE recipient = :r ORDER BY id DESC LIMIT 1")
                .param("mark", io.patron.messaging.Mail.SECRET_MARK).param("r", email).query(String.class).single();
        Matcher link = Pattern.compile("/portal/auth\\?token=(\\S+)").matcher(text);
        assertThat(link.find()).as(text).isTrue();
        s.csrfFrom("/portal/auth?token=" + link.group(1));
        HttpResponse<String> r = s.post("/portal/auth", "token=" + link.group(1));
        assertThat(r.headers().firstValue("Location").orElse("")).endsWith("/portal");
        s.csrfFrom("/portal");
        return s;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString((form.isEmpty() ? "" : form + "&") + "_csrf=" + csrf)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public void csrfFrom(String path) throws Exception {
        Matcher m = CSRF.matcher(get(path).body());
        if (m.find()) {
            csrf = m.group(1);
        }
    }
}
