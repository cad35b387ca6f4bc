package dev.podidentity.local.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.gateway.FaultRule;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The world file format without starting anything. */
class WorldFileTest {

    @Test
    void parse_whenDefaultWorld_readsClustersRolesAndBucket() {
        World world = WorldFile.read(LocalWorlds.defaultWorld()).world();
        assertEquals("111122223333", world.account());
        assertEquals(3, world.clusters().size());
        assertEquals("CREATING", world.clusters().get(2).status());
        assertTrue(world.clusters().get(1).isAutoMode());
        assertEquals(5, world.iam().roles().size());
        assertEquals("pod-identity-autopilot-config-${account}", world.buckets().getFirst().name());
    }

    @Test
    void parse_whenFieldMisspelt_failsNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorldFile.parse("""
                account: "111122223333"
                region: us-west-2
                clusters:
                  - name: c
                    autoMod: true
                """, Path.of(".")).world());
        assertTrue(e.getMessage().contains("autoMod"), e.getMessage());
    }

    @Test
    void check_whenActiveAfterMillisNegative_failsNamingTheClusterAndKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorldSeeder.check(WorldFile.parse("""
                account: "111122223333"
                region: us-west-2
                clusters:
                  - name: c
                    status: CREATING
                    activeAfterMillis: -1
                """, Path.of(".")).world()));
        assertEquals("clusters[c].activeAfterMillis must be 0 or more, not -1", e.getMessage());
    }

    @Test
    void check_whenActiveAfterMillisOnAnActiveCluster_failsNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorldSeeder.check(WorldFile.parse("""
                account: "111122223333"
                region: us-west-2
                clusters:
                  - name: c
                    activeAfterMillis: 3000
                """, Path.of(".")).world()));
        assertTrue(e.getMessage().startsWith("clusters[c].activeAfterMillis "), e.getMessage());
        assertTrue(e.getMessage().contains("status is ACTIVE"), e.getMessage());
    }

    @Test
    void check_whenAddonTransitionNegative_failsNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorldSeeder.check(WorldFile.parse("""
                account: "111122223333"
                region: us-west-2
                emulator: {addonTransitionMillis: -5}
                """, Path.of(".")).world()));
        assertEquals("emulator.addonTransitionMillis must be 0 or more, not -5", e.getMessage());
    }

    @Test
    void check_whenDefaultWorld_passes() {
        World world = WorldFile.read(LocalWorlds.defaultWorld()).world();
        WorldSeeder.check(world);
        assertTrue(world.clusters().get(2).activeAfterMillis() > 0, "new-cluster turns ACTIVE by itself, some time after seeding");
    }

    @Test
    void substitute_whenPlaceholdersUsed_fillsAccountRegionAndOidcValues() {
        Map<String, String> issuers = Map.of("dev", "https://oidc.eks.us-west-2.amazonaws.com/id/ABCDEF1234");
        assertEquals("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABCDEF1234",
                WorldSeeder.substitute("${oidcProviderArn:dev}", "111122223333", "us-west-2", issuers));
        assertEquals("oidc.eks.us-west-2.amazonaws.com/id/ABCDEF1234:sub",
                WorldSeeder.substitute("${oidcIssuer:dev}:sub", "111122223333", "us-west-2", issuers));
        assertEquals("arn:aws:sqs:us-west-2:111122223333:q", WorldSeeder.substitute("arn:aws:sqs:${region}:${account}:q", "111122223333", "us-west-2", issuers));
        assertThrows(IllegalArgumentException.class, () -> WorldSeeder.substitute("${oidcIssuer:nope}", "1", "r", issuers));
    }

    @Test
    void faultRule_whenReadFromWorldConfiguration_keepsEveryField() {
        FaultRule rule = FaultRule.fromMap(Map.of("service", "iam", "operation", "CreateRole", "kind", "error", "status", 503,
                "fraction", 0.25, "seed", 9));
        assertEquals(new FaultRule("iam", "CreateRole", FaultRule.Kind.SERVER_ERROR, 0, 503, null, 0.25, 9), rule);
        assertThrows(IllegalArgumentException.class, () -> FaultRule.fromMap(Map.of("service", "iam", "kind", "explode")));
    }
}
