package io.patron.sms.internal;

import io.patron.sms.SmsProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * A local SMS gateway over HTTP, as most of them are: the request is built from templates the operator
 * configures ({@code patron.sms.http.url}, and for POST {@code patron.sms.http.body} with its
 * {@code content-type}), with {@code {to}}, {@code {text}}, {@code {from}} and {@code {ref}} (Patron's
 * message id) filled in — URL-encoded in the URL and in a form body, JSON-escaped in a JSON body —
 * plus fixed headers (credentials). A 2xx answer is accepted; the provider's message id is read from
 * the answer with {@code id-pattern} (its first group), for matching delivery reports later.
 */
@Component
@ConditionalOnProperty(name = "patron.sms.provider", havingValue = "http")
class HttpSmsProvider implements SmsProvider {

    private static final int ANSWER_MAX = 4096;

    private final HttpClient http;
    private final String url;
    private final String method;
    private final String body;
    private final String contentType;
    private final Map<String, String> headers;
    private final Pattern idPattern;
    private final String from;
    private final Duration timeout;

    HttpSmsProvider(@Value("${patron.sms.http.url}") String url, @Value("${patron.sms.http.method:POST}") String method,
                    @Value("${patron.sms.http.body:to={to}&text={text}&from={from}}") String body,
                    @Value("${patron.sms.http.content-type:application/x-www-form-urlencoded}") String contentType,
                    @Value("#{${patron.sms.http.headers:{:}}}") Map<String, String> headers,
                    @Value("${patron.sms.http.id-pattern:\"?(?:message_?id|id)\"?\\s*[:=]\\s*\"?([A-Za-z0-9_.:-]+)}") String idPattern,
                    @Value("${patron.sms.from:Patron}") String from,
                    @Value("${patron.sms.http.timeout-millis:10000}") long timeoutMillis) {
        this.url = url;
        this.method = method.toUpperCase(java.util.Locale.ROOT);
        this.body = body;
        this.contentType = contentType;
        this.headers = headers;
        this.idPattern = Pattern.compile(idPattern, Pattern.CASE_INSENSITIVE);
        this.from = from;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public String send(String recipient, String text) throws Exception {
        String ref = java.util.UUID.randomUUID().toString();
        Map<String, String> values = Map.of("to", recipient, "text", text, "from", from, "ref", ref);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fill(url, values, HttpSmsProvider::urlEncode))).timeout(timeout);
        headers.forEach(request::header);
        if ("GET".equals(method)) {
            request.GET();
        } else {
            boolean json = contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
            request.header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(fill(body, values, json ? HttpSmsProvider::jsonEscape : HttpSmsProvider::urlEncode)));
        }
        HttpResponse<java.io.InputStream> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String head;
        try (java.io.InputStream in = answer.body()) {
            head = new String(in.readNBytes(ANSWER_MAX), StandardCharsets.UTF_8);
        }
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException("the gateway answered " + answer.statusCode() + ": " + head.substring(0, Math.min(200, head.length())));
        }
        Matcher m = idPattern.matcher(head);
        return m.find() ? m.group(1) : ref;
    }

    static String fill(String template, Map<String, String> values, java.util.function.UnaryOperator<String> escape) {
        String out = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            out = out.replace("{" + v.getKey() + "}", escape.apply(v.getValue()));
        }
        return out;
    }

    static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String jsonEscape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
