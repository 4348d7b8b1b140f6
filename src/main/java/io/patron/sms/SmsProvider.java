package io.patron.sms;

/**
 * A way to hand text messages to an operator: SMPP 3.4 or an HTTP gateway. {@link #send} hands one
 * message over (all its parts) and answers the provider's id for it, by which a later delivery report
 * is matched; it throws when the provider did not accept it (the sender retries).
 */
public interface SmsProvider {

    /** The short name stored with each message ({@code smpp}, {@code http}). */
    String name();

    String send(String recipient, String text) throws Exception;
}
