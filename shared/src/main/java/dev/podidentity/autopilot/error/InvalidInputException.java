package dev.podidentity.autopilot.error;

import java.util.List;

/** The request or config is wrong (or refused by a guardrail); nothing was changed. Carries every problem. */
public final class InvalidInputException extends AutopilotException {
    private final List<String> problems;

    public InvalidInputException(String message) {
        this(message, List.of(message));
    }

    public InvalidInputException(String summary, List<String> problems) {
        super(message(summary, problems));
        this.problems = List.copyOf(problems);
    }

    /** A problem line in the message is cut to this many characters; {@link #problems()} keeps it whole. */
    static final int MAX_LINE_CHARS = 400;
    /** The message lists this many problems and counts the rest. */
    static final int MAX_LINES = 40;

    private static String message(String summary, List<String> problems) {
        if (problems.isEmpty() || problems.equals(List.of(summary))) {
            return summary;
        }
        if (problems.size() == 1) {
            return summary + ": " + bounded(problems.get(0), MAX_LINE_CHARS);
        }
        List<String> lines = problems.stream().limit(MAX_LINES).map(p -> bounded(p, MAX_LINE_CHARS)).toList();
        String more = problems.size() > MAX_LINES ? "\n  ... and " + (problems.size() - MAX_LINES) + " more problems"
                : "";
        return summary + ":\n  " + String.join("\n  ", lines) + more;
    }

    public List<String> problems() {
        return problems;
    }
}
