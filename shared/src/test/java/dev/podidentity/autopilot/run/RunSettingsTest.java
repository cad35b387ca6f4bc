package dev.podidentity.autopilot.run;

import dev.podidentity.autopilot.guard.Guardrails;
import dev.podidentity.autopilot.guard.NamespaceAllowList;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guardrail parameters as the functions receive them (environment variables), good and malformed. */
class RunSettingsTest {

    static Guardrails parse(Map<String, String> env) {
        return RunSettings.from(new HashMap<>(env)::get).guardrails();
    }

    static String refusal(Map<String, String> env) {
        return assertThrows(IllegalStateException.class, () -> parse(env)).getMessage();
    }

    @Test
    void from_whenNothingIsSet_usesTheSafeDefaults() {
        Guardrails g = parse(Map.of());
        assertEquals("/pod-identity-autopilot/", g.rolePath());
        assertNull(g.permissionsBoundaryArn());
        assertTrue(g.deniedPolicies().contains("AdministratorAccess"));
        assertFalse(g.allowWildcardInline());
        assertEquals(List.of(), g.allowedRoleArnPatterns());
        assertEquals(Set.of(), g.allowedAccounts());
        assertFalse(g.namespaces().restricts());
        assertEquals(5_000, g.maxAssociations());
        assertEquals(4 * 1024 * 1024, g.maxConfigBytes());
        assertEquals(4 * 1024 * 1024, g.readLimits().maxBytes());
    }

    @Test
    void from_whenEveryGuardrailIsSet_parsesEach() {
        Guardrails g = parse(Map.of(
                "ROLE_PATH", "/workloads/",
                "PERMISSIONS_BOUNDARY_ARN", "arn:aws:iam::111122223333:policy/boundary",
                "DENIED_POLICY_ARNS", "arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::111122223333:policy/x",
                "ALLOWED_ACCOUNT_IDS", "111122223333,444455556666",
                "ALLOWED_ROLE_ARN_PATTERNS", "arn:aws:iam::111122223333:role/workloads/*",
                "ALLOWED_NAMESPACES", "prod-*=payments|web;*=*",
                "ALLOW_WILDCARD_INLINE_POLICIES", "true",
                "MAX_ASSOCIATIONS", "200",
                "MAX_CONFIG_BYTES", "65536"));
        assertEquals("/workloads/", g.rolePath());
        assertEquals("arn:aws:iam::111122223333:policy/boundary", g.permissionsBoundaryArn());
        assertEquals(Set.of("arn:aws:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess",
                "arn:aws:iam::111122223333:policy/x"), g.deniedPolicies());
        assertEquals(Set.of("111122223333", "444455556666"), g.allowedAccounts());
        assertEquals(List.of("arn:aws:iam::111122223333:role/workloads/*"), g.allowedRoleArnPatterns());
        assertEquals(NamespaceAllowList.parse("prod-*=payments|web;*=*"), g.namespaces());
        assertEquals(List.of("payments", "web"), g.namespaces().entryFor("prod-eu").orElseThrow().namespaceGlobs());
        assertTrue(g.allowWildcardInline());
        assertEquals(200, g.maxAssociations());
        assertEquals(65_536, g.readLimits().maxBytes());
    }

    @Test
    void from_whenValuesAreMalformed_refusesNamingEveryParameterAndVariable() {
        String message = refusal(Map.of(
                "ROLE_PATH", "workloads",
                "PERMISSIONS_BOUNDARY_ARN", "boundary",
                "ALLOWED_ACCOUNT_IDS", "1111,444455556666",
                "ALLOWED_ROLE_ARN_PATTERNS", "role/*",
                "ALLOWED_NAMESPACES", "prod=payments;web",
                "ALLOW_WILDCARD_INLINE_POLICIES", "yes",
                "MAX_ASSOCIATIONS", "5001",
                "MAX_CONFIG_BYTES", "4MiB"));
        assertEquals("""
                the deployment's guardrail settings are not valid; fix the stack parameters:
                  RolePath (ROLE_PATH): role path must begin and end with "/", e.g. /pod-identity/
                  PermissionsBoundaryArn (PERMISSIONS_BOUNDARY_ARN): "boundary" is not a managed policy ARN
                  AllowedAccountIds (ALLOWED_ACCOUNT_IDS): "1111" is not a 12-digit account id
                  AllowedRoleArnPatterns (ALLOWED_ROLE_ARN_PATTERNS): "role/*" is not a role ARN pattern (arn:PARTITION:iam::ACCOUNT:role/NAME, "*" for any run of characters)
                  AllowedNamespaces (ALLOWED_NAMESPACES): entry 2 "web" must be CLUSTERS=NAMESPACES with exactly one "=", e.g. prod-*=payments|web
                  AllowWildcardInlinePolicies (ALLOW_WILDCARD_INLINE_POLICIES): "yes" is neither true nor false
                  MaxAssociations (MAX_ASSOCIATIONS): "5001" is not a whole number from 1 to 5,000
                  MaxConfigBytes (MAX_CONFIG_BYTES): "4MiB" is not a whole number from 1,024 to 16,777,216""",
                message);
    }

    @Test
    void from_whenNamespaceEntriesAreMalformed_saysWhichEntryAndWhy() {
        assertTrue(refusal(Map.of("ALLOWED_NAMESPACES", "prod=Payments")).contains(
                "entry 1 \"prod=Payments\": \"Payments\" is not a namespace or glob"));
        assertTrue(refusal(Map.of("ALLOWED_NAMESPACES", "prod=a;;dev=b")).contains("entry 2 is empty"));
        assertTrue(refusal(Map.of("ALLOWED_NAMESPACES", "prod/x=a")).contains(
                "\"prod/x\" is not a cluster name or glob"));
        assertTrue(refusal(Map.of("ALLOWED_NAMESPACES", "prod=a=b")).contains("exactly one \"=\""));
        assertTrue(refusal(Map.of("ALLOWED_NAMESPACES", "prod=")).contains("\"\" is not a namespace or glob"));
    }

    @Test
    void from_whenNamespaceListHasATrailingSeparatorOrSpaces_acceptsIt() {
        assertEquals("prod=payments|web;*=*",
                parse(Map.of("ALLOWED_NAMESPACES", " prod = payments | web ; *=* ;")).namespaces().toString());
    }

    @Test
    void from_whenLimitsAreAtTheirBounds_acceptsThem() {
        Guardrails g = parse(Map.of("MAX_ASSOCIATIONS", "1", "MAX_CONFIG_BYTES", "16777216"));
        assertEquals(1, g.maxAssociations());
        assertEquals(RunSettings.MAX_CONFIG_BYTES_CAP, g.maxConfigBytes());
        assertTrue(refusal(Map.of("MAX_ASSOCIATIONS", "0")).contains("MaxAssociations"));
        assertTrue(refusal(Map.of("MAX_CONFIG_BYTES", "16777217")).contains("MaxConfigBytes"));
    }
}
