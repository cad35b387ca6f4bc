package dev.podidentity.autopilot.run.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.port.IamRoles;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What IAM would refuse half-way through a run is refused by Resolve first, each problem at its config line: a role
 * of this account the config names that does not exist, a managed policy that does not exist. The reads run at once,
 * each distinct ARN once.
 */
class ConfigReferencesTest {
    static final String ACCOUNT = "111122223333";
    static final String YAML = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: dev
              region: eu-west-1
            iam:
              podIdentityAssociations:
                - namespace: a
                  serviceAccountName: a
                  roleARN: arn:aws:iam::111122223333:role/exists
                - namespace: b
                  serviceAccountName: b
                  roleARN: arn:aws:iam::111122223333:role/missing
                - namespace: c
                  serviceAccountName: c
                  roleARN: arn:aws:iam::444455556666:role/elsewhere
                - namespace: d
                  serviceAccountName: d
                  permissionPolicyARNs:
                    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
                    - arn:aws:iam::111122223333:policy/gone
                - namespace: e
                  serviceAccountName: e
                  permissionPolicyARNs:
                    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
                    - arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess
            """;

    @Test
    void check_refusesMissingRolesOfThisAccountAndMissingPolicies_atTheirLines_readingAtOnce() {
        Set<String> roles = Set.of("exists");
        Set<String> policies = Set.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess");
        Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        IamRoles iam = (IamRoles) Proxy.newProxyInstance(IamRoles.class.getClassLoader(), new Class<?>[] {IamRoles.class},
                (proxy, method, args) -> {
                    String what = (String) args[0];
                    asked.computeIfAbsent(method.getName() + " " + what, k -> new AtomicInteger()).incrementAndGet();
                    mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(30);
                        return switch (method.getName()) {
                            case "getRole" -> roles.contains(what) ? Optional.of(new IamRoles.IamRole(
                                    "arn:aws:iam::" + ACCOUNT + ":role/" + what, what, "/", "{}", null, Map.of()))
                                    : Optional.empty();
                            case "policyExists" -> policies.contains(what);
                            default -> throw new UnsupportedOperationException(method.getName());
                        };
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
        LoadResult loaded = ConfigLoader.withDefaults().load(YAML, "dev.yaml");
        assertTrue(!loaded.hasErrors(), loaded.problems().toString());

        List<Problem> problems = ConfigReferences.check(iam, loaded.config(), Action.APPLY, ACCOUNT);

        List<String> said = problems.stream().map(p -> p.format("dev.yaml")).toList();
        assertEquals(2, problems.size(), said.toString());
        assertTrue(said.get(0).contains("iam.podIdentityAssociations[1].roleARN")
                && said.get(0).contains("dev.yaml:13:") && said.get(0).contains("role/missing\" does not exist in "
                + "account 111122223333"), said.get(0));
        assertTrue(said.get(1).contains("iam.podIdentityAssociations[3].permissionPolicyARNs[1]")
                && said.get(1).contains("dev.yaml:21:") && said.get(1).contains("policy/gone\" does not exist"),
                said.get(1));
        assertEquals(Set.of("getRole exists", "getRole missing", "policyExists arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "policyExists arn:aws:iam::111122223333:policy/gone",
                "policyExists arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"), asked.keySet(),
                "another account's role is not read here; each ARN once");
        asked.forEach((call, n) -> assertEquals(1, n.get(), call));
        assertTrue(mostAtOnce.get() > 1, "independent reads at once: " + mostAtOnce.get());
    }
}
