package io.patron.common;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The address members reach Patron at, for every link in a mail or a shared invitation. It comes from
 * configuration ({@code patron.public-url}) and never from a request: a request's {@code Host} header
 * is whatever its sender wrote, and a sign-in link built from it would carry a genuine token to the
 * sender's server. Without configuration (the embedded demo) the address is the one Patron listens on
 * at {@code localhost}.
 *
 * <p>The host names Patron answers link-building requests for are the public URL's host and
 * {@code patron.allowed-hosts}; without a public URL, the local names too.
 */
@Component
public class PublicUrl {

    private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final String configured;
    private final Set<String> allowedHosts;
    private volatile int port;

    PublicUrl(@Value("${patron.public-url:}") String configured, @Value("${patron.allowed-hosts:}") String allowedHosts,
              @Value("${server.port:8080}") int port) {
        this.configured = configured == null ? "" : configured.trim().replaceAll("/+$", "");
        if (!this.configured.isEmpty()) {
            URI uri = URI.create(this.configured);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalStateException("patron.public-url must be an http(s) address such as https://loyalty.example.com, not '"
                        + configured + "'");
            }
        }
        Stream<String> listed = Arrays.stream(allowedHosts.split(",")).map(String::trim).filter(s -> !s.isEmpty());
        Stream<String> own = this.configured.isEmpty() ? LOCAL.stream() : Stream.of(URI.create(this.configured).getHost());
        this.allowedHosts = Stream.concat(listed, own).map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.port = port;
    }

    @EventListener
    void listening(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) {
            port = event.getWebServer().getPort();
        }
    }

    /** The base address without a trailing slash, e.g. {@code https://loyalty.example.com}. */
    public String base() {
        return configured.isEmpty() ? "http://localhost:" + port : configured;
    }

    /** A full address of a path on Patron, e.g. {@code url("/portal")}. */
    public String url(String path) {
        return base() + path;
    }

    public boolean configured() {
        return !configured.isEmpty();
    }

    /** Whether a request's {@code Host} header (with or without a port) names this installation. */
    public boolean allowsHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(0, end + 1);
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return allowedHosts.contains(host);
    }
}
