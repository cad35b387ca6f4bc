package dev.podidentity.autopilot.execute;

import java.util.List;

/**
 * An addon's status as DescribeAddon reports it, with its health issues ({@code code: message [resources]}).
 * The state machine polls this through {@code AgentInstaller.check}.
 */
public record AddonStatus(String addon, String arn, String status, List<String> issues) {

    public AddonStatus {
        issues = issues == null ? List.of() : List.copyOf(issues);
    }

    public boolean active() {
        return "ACTIVE".equals(status);
    }

    /** Still changing: CREATING, UPDATING, DELETING. */
    public boolean inProgress() {
        return "CREATING".equals(status) || "UPDATING".equals(status) || "DELETING".equals(status);
    }

    /** CREATE_FAILED, UPDATE_FAILED, DELETE_FAILED: a person has to look. */
    public boolean failed() {
        return status != null && status.endsWith("_FAILED");
    }

    public boolean degraded() {
        return "DEGRADED".equals(status);
    }

    String describe() {
        return "addon \"" + addon + "\" is " + status + (issues.isEmpty() ? "" : ": " + String.join("; ", issues));
    }
}
