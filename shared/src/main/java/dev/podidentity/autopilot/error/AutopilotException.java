package dev.podidentity.autopilot.error;

/**
 * Base of every failure the state machine must tell apart. Lambda reports an escaping exception's fully
 * qualified class name as the error name, so the subclasses' names are the ASL's {@code ErrorEquals} values:
 * renaming or moving one is a breaking change (a test checks that every name in the ASL resolves to a class).
 */
public abstract class AutopilotException extends RuntimeException {
    /**
     * Longest message, in characters. The message becomes the Lambda error's errorMessage and so the Step Functions
     * error's Cause, which the run's state carries (256 KB at most) to the Report.
     */
    public static final int MAX_MESSAGE_CHARS = 4000;

    protected AutopilotException(String message) {
        super(bounded(message));
    }

    protected AutopilotException(String message, Throwable cause) {
        super(bounded(message), cause);
    }

    /** The message cut to {@link #MAX_MESSAGE_CHARS}, saying how much was left out. */
    public static String bounded(String message) {
        return bounded(message, MAX_MESSAGE_CHARS);
    }

    /** The text cut to {@code max} characters, saying how much was left out. */
    public static String bounded(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        String more = String.format("... (%,d more characters)", text.length() - max);
        return text.substring(0, Math.max(0, max - more.length())) + more;
    }
}
