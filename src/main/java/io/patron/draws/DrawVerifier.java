package io.patron.draws;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Recomputes a drawn draw's winners from what its public page publishes and says whether they match:
 * the seed against the commitment made before any ticket, the ticket list against its hash, and the
 * winners against {@link DrawAlgorithm}. {@code java -jar patron.jar verify-draw DRAW.json TICKETS.txt}
 * or {@code verify-draw https://patron.example/draws/CODE} (it fetches {@code .json} and
 * {@code /tickets.txt}); no database is needed.
 */
public final class DrawVerifier {

    public static final String COMMAND = "verify-draw";

    private DrawVerifier() {
    }

    /** What was checked, each line a finding; {@code ok} when every check passed. */
    public record Report(boolean ok, List<String> lines) {
    }

    public static Report verify(String drawJson, String ticketList) {
        JsonNode draw = JsonMapper.builder().build().readTree(drawJson);
        List<String> lines = new ArrayList<>();
        boolean ok = true;
        String code = draw.path("code").asString();
        String seedHex = draw.path("seed").asString("");
        if (seedHex.isEmpty()) {
            return new Report(false, List.of("FAIL the seed is not revealed yet: the draw has not been drawn"));
        }
        byte[] seed = HexFormat.of().parseHex(seedHex);
        boolean commitment = DrawAlgorithm.sha256(seed).equals(draw.path("commitment").asString());
        ok &= commitment;
        lines.add((commitment ? "OK   " : "FAIL ") + "SHA-256 of the revealed seed equals the commitment published at creation");
        boolean list = DrawAlgorithm.sha256(ticketList).equals(draw.path("ticketsHash").asString());
        ok &= list;
        lines.add((list ? "OK   " : "FAIL ") + "SHA-256 of the ticket list equals the hash published when entries closed ("
                + DrawAlgorithm.parse(ticketList).size() + " tickets)");
        int slots = 0;
        for (JsonNode prize : draw.path("prizes")) {
            slots += prize.path("quantity").asInt();
        }
        List<DrawAlgorithm.Win> computed = DrawAlgorithm.winners(code, seed, ticketList, slots, draw.path("allowMultipleWins").asBoolean());
        List<Long> published = new ArrayList<>();
        draw.path("winners").forEach(w -> published.add(w.path("ticket").asLong()));
        List<Long> recomputed = computed.stream().map(w -> w.ticket().number()).toList();
        boolean winners = recomputed.equals(published);
        ok &= winners;
        lines.add((winners ? "OK   " : "FAIL ") + "winners recomputed from the seed and the list: " + recomputed
                + (winners ? "" : " (published: " + published + ")"));
        return new Report(ok, lines);
    }

    /** The command: prints the findings and exits 0 when the draw verifies, 1 when it does not, 2 on bad usage. */
    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> operands = java.util.Arrays.stream(args).filter(a -> !a.startsWith("--")).skip(1).toList();
        String json;
        String tickets;
        if (operands.size() == 1 && operands.getFirst().startsWith("http")) {
            String base = operands.getFirst().replaceAll("/+$", "");
            HttpClient http = HttpClient.newHttpClient();
            json = http.send(HttpRequest.newBuilder(URI.create(base + ".json")).build(), HttpResponse.BodyHandlers.ofString()).body();
            tickets = http.send(HttpRequest.newBuilder(URI.create(base + "/tickets.txt")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        } else if (operands.size() == 2) {
            json = Files.readString(Path.of(operands.get(0)));
            tickets = Files.readString(Path.of(operands.get(1)));
        } else {
            System.err.println("usage: java -jar patron.jar verify-draw DRAW.json TICKETS.txt | https://…/draws/CODE");
            System.exit(2);
            return;
        }
        Report report = verify(json, tickets);
        report.lines().forEach(System.out::println);
        System.out.println(report.ok() ? "The draw verifies." : "The draw does NOT verify.");
        System.exit(report.ok() ? 0 : 1);
    }
}
