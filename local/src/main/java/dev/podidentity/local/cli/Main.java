package dev.podidentity.local.cli;

import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.moto.MotoUnavailableException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point of {@code ./run-local}. Every misuse and every failure to start ends in one line on stderr and a
 * non-zero exit (2 misuse, 1 failure); an unexpected error's stack trace goes to a file the line names.
 */
public final class Main {
    static final Path ERROR_LOG = Path.of("local/target/run-local-error.log");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            if (args.isEmpty()) {
                err.println("run-local: which event? " + RunCommand.USAGE.substring("usage: ".length())
                        + " (./run-local --help)");
                return 2;
            }
            List<String> rest = args.subList(1, args.size());
            return switch (args.get(0)) {
                case "validate" -> ValidateCommand.run(rest, out, err);
                case "plan" -> PlanCommand.run(rest, out, err);
                case "help" -> RunCommand.run(List.of("--help"), out, err);
                default -> RunCommand.run(args, out, err);
            };
        } catch (UsageException e) {
            err.println("run-local: " + e.getMessage());
            return 2;
        } catch (MotoUnavailableException e) {
            err.println("run-local: the local cloud cannot start: " + firstLine(e.getMessage()));
            return 1;
        } catch (Exception e) {
            err.println("run-local: " + firstLine(String.valueOf(e.getMessage())) + " (" + e.getClass().getSimpleName()
                    + "; stack trace in " + writeTrace(e) + ")");
            return 1;
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse(message);
    }

    private static String writeTrace(Exception e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        Path file = ProjectFiles.root().resolve(ERROR_LOG);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, trace.toString());
            return ERROR_LOG.toString();
        } catch (IOException cannot) {
            return "(not written: " + cannot.getMessage() + ")";
        }
    }
}
