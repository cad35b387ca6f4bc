package dev.podidentity.autopilot;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a run is asked to do; the names are the ones users write in console input and events. */
public enum Action {
    /** Reconcile what the config declares: the default for uploaded configs. */
    APPLY("apply"),
    /** A newly created cluster: install the agent, then apply its config if there is one. */
    ONBOARD("onboard"),
    /** A deleted cluster (CloudTrail DeleteCluster): delete the roles this application created for it. */
    OFFBOARD("offboard"),
    CREATE("create"),
    GET("get"),
    UPDATE("update"),
    DELETE("delete"),
    CREATE_ADDON("create-addon"),
    UPDATE_ADDON("update-addon"),
    DELETE_ADDON("delete-addon"),
    MIGRATE_TO_POD_IDENTITY("migrate-to-pod-identity");

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Action> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.wireName.equals(n)).findFirst();
    }

    /** Creating things from the config: eksctl's create-time rules (a role source per association) apply. */
    public boolean createsAssociations() {
        return this == APPLY || this == ONBOARD || this == CREATE;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
