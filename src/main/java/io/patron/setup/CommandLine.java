package io.patron.setup;

import java.util.Arrays;
import java.util.Set;

/**
 * The jar's command-line tasks, e.g. {@code java -jar patron.jar import-members members.csv}. A task
 * runs against the configured database and exits; without a task the server starts.
 */
public final class CommandLine {

    static final String IMPORT_MEMBERS = "import-members";
    static final String IMPORT_HISTORY = "import-history";
    private static final Set<String> COMMANDS = Set.of(IMPORT_MEMBERS, IMPORT_HISTORY);

    private CommandLine() {
    }

    public static boolean isCommand(String[] args) {
        return command(args) != null;
    }

    static String command(String[] args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst().filter(COMMANDS::contains).orElse(null);
    }

    static String[] operands(String[] args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("--")).skip(1).toArray(String[]::new);
    }
}
