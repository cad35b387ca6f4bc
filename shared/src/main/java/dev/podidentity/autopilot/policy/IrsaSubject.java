package dev.podidentity.autopilot.policy;

import java.util.Optional;

/**
 * A service account an IRSA trust policy admits, from a {@code system:serviceaccount:<namespace>:<name>} subject.
 *
 * @param oidcProviderArn the federated principal of the statement
 * @param issuer          the condition key prefix, e.g. {@code oidc.eks.us-west-2.amazonaws.com/id/ABC}
 * @param pattern         true when the subject came from {@code StringLike} and contains {@code *} or {@code ?}
 */
public record IrsaSubject(String oidcProviderArn, String issuer, String namespace, String serviceAccount,
                          boolean pattern) {

    /** The subject string as it appears in the trust policy. */
    public String subject() {
        return TrustPolicies.serviceAccountSubjectPrefix() + namespace + ":" + serviceAccount;
    }

    static Optional<IrsaSubject> parse(String issuer, String providerArn, String value, boolean like) {
        String prefix = TrustPolicies.serviceAccountSubjectPrefix();
        if (!value.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = value.substring(prefix.length());
        int colon = rest.indexOf(':');
        if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf(':', colon + 1) >= 0) {
            return Optional.empty();
        }
        String namespace = rest.substring(0, colon);
        String name = rest.substring(colon + 1);
        boolean pattern = like && (value.contains("*") || value.contains("?"));
        return Optional.of(new IrsaSubject(providerArn, issuer, namespace, name, pattern));
    }
}
