package io.patron.draws;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The winner algorithm: uniform over tickets, deterministic, no double wins unless allowed; the verifier catches tampering. */
class DrawAlgorithmTest {

    private static List<DrawAlgorithm.Ticket> tickets(int n, int holders) {
        List<DrawAlgorithm.Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tickets.add(new DrawAlgorithm.Ticket(1000 + i, "p" + (i % holders)));
        }
        return tickets;
    }

    @Test
    void everyTicketWinsAboutEquallyOftenOverManySeeds() {
        int n = 7;
        int draws = 70_000;
        String list = DrawAlgorithm.list(tickets(n, n));
        int[] wins = new int[n];
        Random seeds = new Random(20261122L);
        for (int i = 0; i < draws; i++) {
            byte[] seed = new byte[32];
            seeds.nextBytes(seed);
            long number = DrawAlgorithm.winners("UNIFORM", seed, list, 1, false).getFirst().ticket().number();
            wins[(int) (number - 1000)]++;
        }
        double expected = (double) draws / n;
        double chiSquare = 0;
        for (int w : wins) {
            chiSquare += (w - expected) * (w - expected) / expected;
            // Each frequency within 5 standard deviations of 1/n.
            assertThat(Math.abs(w - expected)).isLessThan(5 * Math.sqrt(draws * (1.0 / n) * (1 - 1.0 / n)));
        }
        // Chi-square with 6 degrees of freedom: 22.46 is the 0.999 quantile.
        assertThat(chiSquare).isLessThan(22.46);
    }

    @Test
    void theSameSeedAndListGiveTheSameWinnersAndAHolderWinsOnceUnlessAllowed() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        String list = DrawAlgorithm.list(tickets(50, 5));
        var once = DrawAlgorithm.winners("D1", seed, list, 10, false);
        assertThat(DrawAlgorithm.winners("D1", seed, list, 10, false)).isEqualTo(once);
        assertThat(once).hasSize(5);
        assertThat(once.stream().map(w -> w.ticket().pseudonym()).distinct()).hasSize(5);
        var many = DrawAlgorithm.winners("D1", seed, list, 10, true);
        assertThat(many).hasSize(10);
        assertThat(many.stream().map(w -> w.ticket().number()).distinct()).hasSize(10);
        assertThat(DrawAlgorithm.winners("D2", seed, list, 10, true)).as("the draw's code is part of the stream").isNotEqualTo(many);
    }

    @Test
    void theVerifierAcceptsTheTruthAndRejectsATamperedListOrSeed() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        String list = DrawAlgorithm.list(tickets(30, 10));
        var winners = DrawAlgorithm.winners("V1", seed, list, 3, false);
        String json = json("V1", seed, DrawAlgorithm.sha256(seed), DrawAlgorithm.sha256(list), winners);
        assertThat(DrawVerifier.verify(json, list).ok()).isTrue();

        String tamperedList = list.replaceFirst("1000,p0\n", "");
        assertThat(DrawVerifier.verify(json, tamperedList).ok()).isFalse();
        byte[] other = seed.clone();
        other[0] ^= 1;
        String otherSeed = json("V1", other, DrawAlgorithm.sha256(seed), DrawAlgorithm.sha256(list), winners);
        assertThat(DrawVerifier.verify(otherSeed, list).lines().getFirst()).startsWith("FAIL");
        List<DrawAlgorithm.Win> forged = new ArrayList<>(winners);
        // A ticket that did not win (with a random seed, 1029 itself may be the real winner: a forgery must differ).
        long loser = java.util.stream.LongStream.rangeClosed(1000, 1029)
                .filter(n -> winners.stream().noneMatch(w -> w.ticket().number() == n)).findFirst().orElseThrow();
        forged.set(0, new DrawAlgorithm.Win(0, new DrawAlgorithm.Ticket(loser, "p" + (loser - 1000) % 10)));
        assertThat(DrawVerifier.verify(json("V1", seed, DrawAlgorithm.sha256(seed), DrawAlgorithm.sha256(list), forged), list).ok())
                .isFalse();
    }

    private static String json(String code, byte[] seed, String commitment, String hash, List<DrawAlgorithm.Win> winners) {
        StringBuilder w = new StringBuilder();
        for (var win : winners) {
            w.append(w.isEmpty() ? "" : ",").append("{\"slot\":").append(win.slot()).append(",\"ticket\":").append(win.ticket().number()).append("}");
        }
        return "{\"code\":\"" + code + "\",\"seed\":\"" + HexFormat.of().formatHex(seed) + "\",\"commitment\":\"" + commitment
                + "\",\"ticketsHash\":\"" + hash + "\",\"allowMultipleWins\":false,\"prizes\":[{\"name\":\"P\",\"quantity\":3}],"
                + "\"winners\":[" + w + "]}";
    }
}
