package dev.podidentity.autopilot.policy;

/** A statement's effect, spelled exactly as IAM requires (case-sensitive). */
public enum Effect {
    ALLOW("Allow"),
    DENY("Deny");

    private final String json;

    Effect(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    static Effect fromJson(String text) {
        for (Effect effect : values()) {
            if (effect.json.equals(text)) {
                return effect;
            }
        }
        return null;
    }
}
