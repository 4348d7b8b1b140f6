package io.patron.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random secrets and their stored form. API keys and one-time tokens carry ≥ 190 bits of entropy, so
 * a fast SHA-256 digest is enough to store them (a slow password hash would only slow every till
 * request without adding safety); passwords, chosen by people, use BCrypt instead.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private Secrets() {
    }

    /** A random string of {@code length} characters from an alphabet without look-alike characters. */
    public static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    public static String sha256(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The few characters of a key shown in lists so that people can tell keys apart. */
    public static String hint(String secret) {
        return secret.length() <= 8 ? "…" : secret.substring(0, 6) + "…" + secret.substring(secret.length() - 2);
    }
}
