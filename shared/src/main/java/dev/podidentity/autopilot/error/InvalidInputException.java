package dev.podidentity.autopilot.error;

import java.util.List;

/** The request or config is wrong (or refused by a guardrail); nothing was changed. Carries every problem. */
public final class InvalidInputException extends AutopilotException {
    private final List<String> problems;

    public InvalidInputException(String message) {
        this(message, List.of(message));
    }

    public InvalidInputException(String summary, List<String> problems) {
        super(problems.size() <= 1 ? summary : summary + ":\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
