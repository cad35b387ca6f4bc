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

    private static String message(String summary, List<String> problems) {
        if (problems.isEmpty() || problems.equals(List.of(summary))) {
            return summary;
        }
        if (problems.size() == 1) {
            return summary + ": " + problems.get(0);
        }
        return summary + ":\n  " + String.join("\n  ", problems);
    }

    public List<String> problems() {
        return problems;
    }
}
