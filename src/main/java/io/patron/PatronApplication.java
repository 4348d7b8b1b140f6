package io.patron;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Patron, a loyalty platform for retail chains. The application is a modular monolith: each
 * top-level package below this one is a capability (members, stores, security, …) whose own
 * package is its API and whose sub-packages are private to it; {@code ModularityTests} checks that.
 */
@SpringBootApplication
@EnableScheduling
public class PatronApplication {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && io.patron.draws.DrawVerifier.COMMAND.equals(args[0])) {
            // Anyone may check a draw: no database, no server.
            io.patron.draws.DrawVerifier.main(args);
            return;
        }
        SpringApplication application = new SpringApplication(PatronApplication.class);
        if (io.patron.setup.CommandLine.isCommand(args)) {
            // A command-line task (for example a CSV import) needs the database, not the web server.
            application.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        }
        application.run(args);
    }
}
