package dev.podidentity.autopilot.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An inline policy of a role: its name (unique within the role) and its document.
 *
 * @param name 1–128 characters of {@code [A-Za-z0-9+=,.@_-]}, the PutRolePolicy PolicyName pattern
 */
public record InlinePolicy(String name, PolicyDocument document) {

    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,128}");

    public InlinePolicy {
        Objects.requireNonNull(document, "document");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("inline policy name \"" + name
                    + "\" must be 1-128 characters of letters, digits and +=,.@_-");
        }
    }

    /** Whether IAM accepts the text as an inline policy name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
