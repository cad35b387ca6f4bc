package dev.podidentity.local.cli;

import java.util.List;

/** Entry point of {@code ./run-local}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args)));
    }

    static int run(List<String> args) throws Exception {
        if (args.isEmpty()) {
            System.err.println(RunCommand.USAGE);
            System.err.println("       ./run-local plan CONFIG [--world WORLD.yaml] [--for ACTION]");
            System.err.println("       " + ValidateCommand.USAGE.substring("usage: ".length()));
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "validate" -> ValidateCommand.run(rest, System.out, System.err);
            case "plan" -> PlanCommand.run(rest, System.out, System.err);
            default -> RunCommand.run(args, System.out, System.err);
        };
    }
}
