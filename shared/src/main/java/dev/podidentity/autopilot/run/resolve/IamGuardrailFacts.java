package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.guard.IamFacts;
import dev.podidentity.autopilot.port.IamRoles;

import java.util.Map;
import java.util.Optional;

/** What the guardrails read from IAM: the tags of the roles a config names, the policies it attaches. */
final class IamGuardrailFacts implements IamFacts {
    private final IamRoles iam;

    IamGuardrailFacts(IamRoles iam) {
        this.iam = iam;
    }

    @Override
    public boolean known() {
        return true;
    }

    @Override
    public Optional<Map<String, String>> roleTags(String roleArn) {
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        // A role of that name in this account is the one named only when the whole ARN (account, path) agrees.
        return iam.getRole(name).filter(r -> r.arn().equals(roleArn)).map(IamRoles.IamRole::tags);
    }

    @Override
    public Optional<String> policyDocument(String policyArn) {
        return iam.defaultPolicyDocument(policyArn);
    }
}
