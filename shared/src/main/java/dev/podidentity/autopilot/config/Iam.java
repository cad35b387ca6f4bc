package dev.podidentity.autopilot.config;

import java.util.List;

/**
 * {@code iam}.
 *
 * @param withOIDC  null when not written: eksctl distinguishes "explicitly false" from "not set"
 */
public record Iam(Boolean withOIDC,
                  List<PodIdentityAssociationSpec> podIdentityAssociations,
                  List<IrsaServiceAccount> serviceAccounts) {
    public Iam {
        podIdentityAssociations = podIdentityAssociations == null ? List.of() : List.copyOf(podIdentityAssociations);
        serviceAccounts = serviceAccounts == null ? List.of() : List.copyOf(serviceAccounts);
    }

    public static Iam empty() {
        return new Iam(null, List.of(), List.of());
    }
}
