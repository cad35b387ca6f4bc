package dev.podidentity.local.cli;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.validate.ConfigValidator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./run-local validate FILE [--for ACTION]}: judges a config file as a run would,
 * printing {@code valid} or one {@code FILE:LINE:COLUMN: PATH: MESSAGE} line per problem.
 */
final class ValidateCommand {
    static final List<Action> VALIDATABLE = List.of(Action.APPLY, Action.CREATE, Action.UPDATE, Action.DELETE,
            Action.CREATE_ADDON, Action.UPDATE_ADDON, Action.DELETE_ADDON);
    static final String USAGE = "usage: ./run-local validate FILE [--for "
            + String.join("|", VALIDATABLE.stream().map(Action::wireName).toList()) + "]  (default: apply)";

    private ValidateCommand() {
    }

    static final String HELP = """
            ./run-local validate FILE [--for ACTION]

            Judges an eksctl ClusterConfig file as a run would, without the local cloud: prints "valid", or one
            FILE:LINE:COLUMN: FIELD: PROBLEM line per problem (all of them at once). Exit 0 valid, 1 problems.

              --for ACTION   the action whose rules apply (default apply): %s
            """;

    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            return check(args, out, err);
        } catch (UsageException e) {
            err.println("run-local: " + e.getMessage());
            return 2;
        }
    }

    private static int check(List<String> args, PrintStream out, PrintStream err) {
        List<String> normalized = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--for=")) {
                normalized.add("--for");
                normalized.add(a.substring("--for=".length()));
            } else {
                normalized.add(a);
            }
        }
        CliArgs parsed = CliArgs.parse("./run-local validate", normalized, java.util.Set.of("--for"), 1);
        if (parsed.help) {
            out.print(String.format(HELP, String.join(", ", VALIDATABLE.stream().map(Action::wireName).toList())));
            return 0;
        }
        Action action = Action.APPLY;
        if (parsed.options.containsKey("--for")) {
            String value = parsed.options.get("--for");
            action = Action.fromWireName(value).filter(VALIDATABLE::contains).orElseThrow(() -> new UsageException(
                    "validate: unknown action for --for: \"" + value + "\" (one of "
                            + String.join(", ", VALIDATABLE.stream().map(Action::wireName).toList()) + ")"));
        }
        if (parsed.positional.isEmpty()) {
            throw new UsageException("validate needs a FILE (./run-local validate --help)");
        }
        String file = parsed.positional.get(0);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            err.println("validate: " + file + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("validate: " + file + ": " + e.getMessage());
            return 2;
        }
        List<Problem> problems = check(bytes, file, action);
        for (Problem p : problems) {
            out.println(p.format(file));
        }
        boolean failed = problems.stream().anyMatch(Problem::isError);
        if (!failed) {
            out.println("valid");
        }
        return failed ? 1 : 0;
    }

    static List<Problem> check(byte[] bytes, String file, Action action) {
        LoadResult loaded = ConfigLoader.withDefaults().load(bytes, file);
        List<Problem> problems = new ArrayList<>(loaded.problems());
        if (loaded.config() != null) {
            problems.addAll(ConfigValidator.validate(loaded.config(), action));
        }
        problems.sort(Problem.BY_POSITION);
        return problems;
    }
}
