package dev.podidentity.local.cli;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.guard.ConfigJudgement;
import dev.podidentity.autopilot.guard.Guardrails;
import dev.podidentity.autopilot.guard.IamFacts;
import dev.podidentity.autopilot.run.RunSettings;
import dev.podidentity.autopilot.validate.ConfigValidator;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.StackParameters;
import dev.podidentity.local.world.WorldFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;



/**
 * {@code ./run-local validate FILE [--for ACTION]}: judges a config file as a run would,
 * printing {@code valid} or one {@code FILE:LINE:COLUMN: PATH: MESSAGE} line per problem.
 */
final class ValidateCommand {
    static final List<Action> VALIDATABLE = List.of(Action.APPLY, Action.CREATE, Action.UPDATE, Action.DELETE,
            Action.CREATE_ADDON, Action.UPDATE_ADDON, Action.DELETE_ADDON);
    static final String USAGE = "usage: ./run-local validate FILE [--for "
            + String.join("|", VALIDATABLE.stream().map(Action::wireName).toList()) + "] [--parameters FILE]"
            + "  (default: apply, the stack's default parameters)";

    private ValidateCommand() {
    }

    static final String HELP = """
            ./run-local validate FILE [--for ACTION] [--parameters FILE]

            Judges an eksctl ClusterConfig file as a run would, without the local cloud: prints "valid", or one
            FILE:LINE:COLUMN: FIELD: PROBLEM line per problem (all of them at once). Exit 0 valid, 1 problems.

              --for ACTION        the action whose rules apply (default apply): %s
              --parameters FILE   the deployment's stack parameters (Key=Value lines, a JSON object, or
                                  CloudFormation's parameter list), so the guardrails judge as deployed
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
        CliArgs parsed = CliArgs.parse("./run-local validate", normalized, java.util.Set.of("--for", ParametersFile.OPTION), 1);
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
        Guardrails guardrails;
        try {
            guardrails = guardrails(parsed.parameters());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("validate: " + e.getMessage());
        }
        List<Problem> problems = check(bytes, file, action, guardrails);
        for (Problem p : problems) {
            out.println(p.format(file));
        }
        boolean failed = problems.stream().anyMatch(Problem::isError);
        if (!failed) {
            out.println("valid");
        }
        return failed ? 1 : 0;
    }

    /** As a run judges it with the stack's default parameters. */
    static List<Problem> check(byte[] bytes, String file, Action action) {
        return check(bytes, file, action, guardrails(Map.of()));
    }

    /**
     * As a run judges it: the same loader limits, validator and guardrails ({@link ConfigJudgement}); only the checks
     * that need IAM's answers (the tags of a named role, a customer managed policy's document) wait for the run.
     */
    static List<Problem> check(byte[] bytes, String file, Action action, Guardrails guardrails) {
        LoadResult loaded = new ConfigLoader(guardrails.readLimits()).load(bytes, file);
        List<Problem> problems = new ArrayList<>(loaded.problems());
        if (loaded.config() != null) {
            problems.addAll(ConfigJudgement.judge(loaded.config(), action, guardrails, IamFacts.OFFLINE));
        }
        problems.sort(Problem.BY_POSITION);
        return problems;
    }

    /** The guardrails Resolve gets from template.yaml with these parameter overrides, in the default world's account. */
    static Guardrails guardrails(Map<String, String> parameters) {
        String account = WorldFile.read(LocalWorlds.defaultWorld()).world().account();
        Map<String, String> env = new StackParameters(CfnTemplate.load(), account, parameters)
                .environment(List.of("ResolveFunction"));
        return RunSettings.guardrails(env::get);
    }
}
