package dev.podidentity.local.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one ./run-local command: positional arguments, options that take a value ({@code --world FILE}),
 * and {@code --help}. Anything else is a {@link UsageException} naming it, so no command starts on a typo.
 */
final class CliArgs {
    final List<String> positional = new ArrayList<>();
    final Map<String, String> options = new LinkedHashMap<>();
    boolean help;

    private CliArgs() {
    }

    /**
     * {@code command} names the command in messages ("./run-local", "./run-local plan"); {@code valued} are its
     * options that take a value; {@code maxPositional} how many positional arguments it takes.
     */
    static CliArgs parse(String command, List<String> args, Set<String> valued, int maxPositional) {
        CliArgs out = new CliArgs();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                out.help = true;
            } else if (valued.contains(a)) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException(a + " needs a value (" + command + " --help)");
                }
                out.options.put(a, args.get(++i));
            } else if (a.startsWith("-")) {
                throw new UsageException("unknown option " + a + " for " + command + " (" + command + " --help)");
            } else if (out.positional.size() >= maxPositional) {
                throw new UsageException("unexpected argument " + a + " (" + command + " --help)");
            } else {
                out.positional.add(a);
            }
        }
        return out;
    }

    /** The value of an option naming a file that must exist, or null when the option was not given. */
    Path existingFile(String option, String what) {
        String value = options.get(option);
        if (value == null) {
            return null;
        }
        Path file = Path.of(value);
        if (!Files.isRegularFile(file)) {
            throw new UsageException(option + " " + value + ": no such " + what);
        }
        return file;
    }

    /** The stack parameters of {@code --parameters FILE} (the same keys as sam deploy's overrides); empty without it. */
    java.util.Map<String, String> parameters() {
        String value = options.get(ParametersFile.OPTION);
        if (value == null) {
            return new java.util.HashMap<>();
        }
        try {
            return new java.util.HashMap<>(ParametersFile.read(Path.of(value)));
        } catch (ParametersFile.Invalid e) {
            throw new UsageException(ParametersFile.OPTION + " " + e.getMessage());
        }
    }
}
