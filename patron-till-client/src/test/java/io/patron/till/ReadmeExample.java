package io.patron.till;

import io.patron.till.model.MemberRef;
import io.patron.till.model.PurchaseLine;
import io.patron.till.model.PurchaseRequest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/** The README's example, compiled with the tests so that it stays true to the library. */
final class ReadmeExample {

    static void sellOne() {
        try (TillClient till = TillClient.builder()
                .baseUrl("https://patron.example").key(System.getenv("PATRON_TILL_KEY"))
                .queueDirectory(Path.of("/var/lib/pos/patron-queue"))
                .onOutcome(outcome -> System.out.println("later: " + outcome)).build()) {
            Outcome outcome = till.sell(new PurchaseRequest().receiptId("R-1001")
                    .member(new MemberRef().cardNumber("2000000000015")).pointsToRedeem(0L)
                    .lines(List.of(new PurchaseLine().lineId("1").category("home").quantity(BigDecimal.ONE).unitPrice(new BigDecimal("149.90")))));
            switch (outcome) {
                case Outcome.Recorded r -> printSlip(r.answer().getPointsEarned() + " points, " + r.answer().getMember().getPointsAvailable() + " to spend");
                case Outcome.Rejected r -> showCashier(r.code() + ": " + r.detail());
                case Outcome.Queued q -> printSlip("points will follow");
            }
        }
    }

    private static void printSlip(String line) {
        System.out.println(line);
    }

    private static void showCashier(String message) {
        System.out.println(message);
    }

    private ReadmeExample() {
    }
}
