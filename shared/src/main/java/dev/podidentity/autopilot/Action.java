package dev.podidentity.autopilot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a run is asked to do; the names are the ones users write in console input and events. */
public enum Action {
    /** Reconcile what the config declares: the default for uploaded configs. */
    APPLY("apply"),
    /** A newly created cluster: install the agent, then apply its config if there is one. */
    ONBOARD("onboard"),
    /** A deleted cluster (CloudTrail DeleteCluster): its associations went with it; delete the roles we created. */
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

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** For JSON input: actions are written with their wire names ("create-addon"). */
    @JsonCreator
    static Action fromJson(String name) {
        return fromWireName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown action \"" + name + "\"; expected one of "
                        + Arrays.stream(values()).map(Action::wireName).toList()));
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
