package dev.podidentity.autopilot.guard;

import java.util.Map;
import java.util.Optional;

/**
 * What the guardrails need to read from IAM to judge a config as IAM would: the tags of a role a config names (is it
 * ours for this cluster, or marked assignable?) and the current document of a customer managed policy it attaches.
 * Resolve answers from IAM; {@link #OFFLINE} knows nothing, and the checks that need these facts are then left to
 * the run (they never pass by default: a run always has the facts).
 */
public interface IamFacts {

    /** Whether these facts come from IAM; false offline. */
    boolean known();

    /** The tags of a role in this account; empty when it does not exist or cannot be read. */
    Optional<Map<String, String>> roleTags(String roleArn);

    /** The default version's document of a customer managed policy (JSON); empty when it does not exist. */
    Optional<String> policyDocument(String policyArn);

    IamFacts OFFLINE = new IamFacts() {
        @Override
        public boolean known() {
            return false;
        }

        @Override
        public Optional<Map<String, String>> roleTags(String roleArn) {
            return Optional.empty();
        }

        @Override
        public Optional<String> policyDocument(String policyArn) {
            return Optional.empty();
        }
    };
}
