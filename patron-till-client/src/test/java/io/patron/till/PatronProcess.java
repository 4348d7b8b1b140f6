package io.patron.till;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real Patron (the jar the main build made) on a PostgreSQL database of its own, started and stopped by a test. */
final class PatronProcess {

    static final String TILL_KEY = "pt_till_sdk_test_key_00000000000001";
    static final String ADMIN_PASSWORD = "sdk-admin-password-1";

    final int port;
    final String database;
    private final Path log;
    private Process process;

    PatronProcess(int port, String database) throws IOException {
        this.port = port;
        this.database = database;
        this.log = Files.createTempFile("patron-sdk-", ".log");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    static String pgUrl(String database) {
        return System.getProperty("patron.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/") + database;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(pgUrl(database), "postgres", "");
    }

    void freshDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(pgUrl("postgres"), "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            c.createStatement().execute("CREATE DATABASE " + database);
        }
    }

    void start() throws Exception {
        Path jar = Path.of(System.getProperty("patron.jar", "../target/patron.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Patron's jar is not at " + jar.toAbsolutePath() + ": build Patron first (./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m"));
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port, "--logging.level.patron.requests=WARN"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PATRON_DB_URL", pgUrl(database));
        builder.environment().put("PATRON_DB_USER", "postgres");
        builder.environment().put("PATRON_DB_PASSWORD", "");
        builder.environment().put("PATRON_BOOTSTRAP_TILL_KEY", TILL_KEY);
        builder.environment().put("PATRON_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Patron exited while starting; see " + log);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("Patron did not become ready in 2 minutes; see " + log);
    }

    /** Gone at once, as a machine losing power would be. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Enrols a member through the till API; answers the card number. */
    String enrol(String email) throws Exception {
        var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/members"))
                .header("Authorization", "Bearer " + TILL_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        var m = java.util.regex.Pattern.compile("\"cardNumber\":\"(\\d+)\"").matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("enrolment failed: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }
}
