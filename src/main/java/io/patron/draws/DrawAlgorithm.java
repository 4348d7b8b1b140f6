package io.patron.draws;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How winners are picked, deterministically, from the revealed seed and the frozen ticket list
 * (docs/draws.md describes it for reimplementation):
 * <ol>
 * <li>The ticket list is the published text: one line per ticket, {@code number,pseudonym}, ordered by
 * number, each line ending in {@code \n}; its hash is the SHA-256 of those bytes.</li>
 * <li>A stream of 64-bit numbers: block i is HMAC-SHA-256 with the seed's 32 bytes as the key over the
 * ASCII text {@code patron-draw:<code>:<i>} (i from 0); its first 8 bytes, big-endian, are the number.</li>
 * <li>To pick one of n remaining tickets: take the next number u; if u ≥ 2^64 − (2^64 mod n) draw again
 * (so every ticket is equally likely); the pick is the ticket at index u mod n of the remaining list.</li>
 * <li>Prizes in their order, each as many times as its quantity: pick a ticket; it wins; remove it —
 * and, unless the draw allows several wins, every other ticket of the same pseudonym. When no ticket
 * remains, the remaining prizes stay unawarded.</li>
 * </ol>
 */
public final class DrawAlgorithm {

    private DrawAlgorithm() {
    }

    /** A ticket of the frozen list: its number and the pseudonym of its holder. */
    public record Ticket(long number, String pseudonym) {
    }

    /** A winner: the prize slot (0-based, prizes in order times their quantity) and the winning ticket. */
    public record Win(int slot, Ticket ticket) {
    }

    /** The ticket list as published, from tickets in any order. */
    public static String list(List<Ticket> tickets) {
        StringBuilder text = new StringBuilder();
        tickets.stream().sorted(java.util.Comparator.comparingLong(Ticket::number))
                .forEach(t -> text.append(t.number()).append(',').append(t.pseudonym()).append('\n'));
        return text.toString();
    }

    /** Reads a published ticket list; a malformed line is an error. */
    public static List<Ticket> parse(String list) {
        List<Ticket> tickets = new ArrayList<>();
        for (String line : list.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(",", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("not a ticket line: " + line);
            }
            tickets.add(new Ticket(Long.parseLong(parts[0]), parts[1]));
        }
        return tickets;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The winners for prize slots of the given total size. */
    public static List<Win> winners(String drawCode, byte[] seed, String ticketList, int slots, boolean allowMultipleWins) {
        List<Ticket> remaining = new ArrayList<>(parse(ticketList));
        remaining.sort(java.util.Comparator.comparingLong(Ticket::number));
        Stream stream = new Stream(drawCode, seed);
        List<Win> wins = new ArrayList<>();
        for (int slot = 0; slot < slots && !remaining.isEmpty(); slot++) {
            Ticket ticket = remaining.get(stream.below(remaining.size()));
            wins.add(new Win(slot, ticket));
            if (allowMultipleWins) {
                remaining.remove(ticket);
            } else {
                remaining.removeIf(t -> t.pseudonym().equals(ticket.pseudonym()));
            }
        }
        return wins;
    }

    /** The HMAC-SHA-256 counter stream of 64-bit numbers. */
    static final class Stream {
        private final Mac mac;
        private final String prefix;
        private long counter;

        Stream(String drawCode, byte[] seed) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(seed, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            prefix = "patron-draw:" + drawCode + ":";
        }

        long next() {
            byte[] block = mac.doFinal((prefix + counter++).getBytes(StandardCharsets.US_ASCII));
            long u = 0;
            for (int i = 0; i < 8; i++) {
                u = (u << 8) | (block[i] & 0xFF);
            }
            return u;
        }

        /** A uniform index in [0, n) by rejection sampling. */
        int below(int n) {
            long remainder = Long.remainderUnsigned(Long.remainderUnsigned(-1L, n) + 1, n);
            long limit = -remainder; // 2^64 - (2^64 mod n), as an unsigned number; 0 means no rejection
            while (true) {
                long u = next();
                if (remainder == 0 || Long.compareUnsigned(u, limit) < 0) {
                    return (int) Long.remainderUnsigned(u, n);
                }
            }
        }
    }
}
