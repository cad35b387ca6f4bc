package dev.podidentity.autopilot.naming;

import java.util.List;

/** Tags that IAM or EKS would refuse; {@link #problems()} lists every one, each a complete sentence. */
public final class InvalidTagsException extends RuntimeException {

    private final List<String> problems;

    public InvalidTagsException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
