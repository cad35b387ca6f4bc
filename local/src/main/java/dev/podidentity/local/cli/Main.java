package dev.podidentity.local.cli;

import java.util.Arrays;
import java.util.List;

/** Entry point of {@code ./run-local}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args)));
    }

    static int run(List<String> args) {
        if (args.isEmpty()) {
            System.err.println(ValidateCommand.USAGE);
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "validate" -> ValidateCommand.run(rest, System.out, System.err);
            default -> {
                System.err.println("run-local: unknown command \"" + args.get(0) + "\"; commands: validate. "
                        + "Arguments: " + Arrays.toString(args.toArray()));
                yield 2;
            }
        };
    }
}
