package io.patron.webhooks.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Keeps webhooks from being aimed inside the network Patron runs in (server-side request forgery): a
 * target is http or https, has no user part, and none of its host's addresses is loopback, private,
 * link-local (cloud metadata lives there), unique-local, multicast or unspecified — unless the operator
 * allows private targets ({@code PATRON_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true}) for receivers inside the
 * chain's own network. Checked when a subscription is saved and again before every attempt, since a
 * name can be pointed elsewhere later.
 */
@Component
public class TargetGuard {

    private final boolean allowPrivate;

    TargetGuard(@Value("${patron.webhooks.allow-private-targets:false}") boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Why this URL may not be a target, or null when it may. */
    public String refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return "not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only http and https";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "no host";
        }
        if (uri.getRawUserInfo() != null) {
            return "no user name or password in the URL";
        }
        if (uri.getRawFragment() != null) {
            return "no fragment";
        }
        if (allowPrivate) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                if (inside(address)) {
                    return "the host resolves to a private or loopback address (" + address.getHostAddress() + ")";
                }
            }
        } catch (UnknownHostException e) {
            return "the host does not resolve";
        }
        return null;
    }

    static boolean inside(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            return (bytes[0] & 0xfe) == 0xfc; // fc00::/7, unique local
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second <= 127) // 0/8, carrier-grade NAT 100.64/10
                || (first == 198 && (second == 18 || second == 19)) || first >= 240; // benchmarking, reserved
    }
}
