package dev.podidentity.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.podidentity.local.iam.HttpCall;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoleViewsTest {
    private final RoleViews views = new RoleViews();
    private final AtomicInteger reads = new AtomicInteger();

    private void served(String operation, String roleName) {
        String form = "Action=" + operation + "&Version=2010-05-08" + (roleName == null ? "" : "&RoleName=" + roleName);
        views.served(new HttpCall("iam", operation, "us-east-1", "POST", "/", null,
                "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8)), 200, new byte[0]);
    }

    private Optional<RoleViews.View> read(String name) {
        return views.get(name, n -> {
            reads.incrementAndGet();
            return Optional.of(new RoleViews.View("arn:aws:iam::111122223333:role/" + n, Instant.EPOCH,
                    Map.of("n", String.valueOf(reads.get())), null));
        });
    }

    @Test
    void aViewReadOnce_isKept_throughReadsAndWritesThatLeaveItAlone() {
        read("app");
        for (String op : new String[] {"GetRole", "ListRoleTags", "AttachRolePolicy", "DetachRolePolicy",
                "PutRolePolicy", "UpdateAssumeRolePolicy"}) {
            served(op, "app");
        }
        assertEquals("1", read("app").orElseThrow().tags().get("n"));
        assertEquals(1, reads.get());
    }

    @Test
    void aWriteThatMayChangeIt_dropsThatRolesViewOnly() {
        read("app");
        read("other");
        served("TagRole", "app");
        read("app");
        read("other");
        assertEquals(3, reads.get(), "app read again, other kept");
        served("PutRolePermissionsBoundary", "app");
        served("DeleteRole", "other");
        read("app");
        read("other");
        assertEquals(5, reads.get());
    }

    @Test
    void aWriteNamingNoRole_dropsEveryView() {
        read("app");
        read("other");
        served("CreatePolicy", null);
        read("app");
        read("other");
        assertEquals(4, reads.get());
    }

    @Test
    void aMissingRole_isRememberedAsMissing_untilItIsCreated() {
        AtomicInteger lookups = new AtomicInteger();
        java.util.function.Function<String, Optional<RoleViews.View>> missing = n -> {
            lookups.incrementAndGet();
            return Optional.empty();
        };
        assertEquals(Optional.empty(), views.get("new", missing));
        assertEquals(Optional.empty(), views.get("new", missing));
        assertEquals(1, lookups.get());
        served("CreateRole", "new");
        assertEquals("1", read("new").orElseThrow().tags().get("n"));
    }

    @Test
    void aReadThatRacedWithADrop_isAnsweredButNotKept() {
        Optional<RoleViews.View> raced = views.get("app", n -> {
            reads.incrementAndGet();
            served("UntagRole", "app"); // the write lands while moto is being asked
            return Optional.of(new RoleViews.View("arn", Instant.EPOCH, Map.of("stale", "yes"), null));
        });
        assertEquals("yes", raced.orElseThrow().tags().get("stale"));
        assertEquals(null, read("app").orElseThrow().tags().get("stale"), "read again, not the raced answer");
        assertEquals(2, reads.get());
    }

    @Test
    void aReadThatRacedWithAClear_isNotKept() {
        views.get("app", n -> {
            reads.incrementAndGet();
            views.clear();
            return Optional.empty();
        });
        read("app");
        assertEquals(2, reads.get());
    }

    @Test
    void createRolesAnswer_becomesTheRolesView_withoutAskingMotoAgain() {
        String answer = "<CreateRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateRoleResult><Role>"
                + "<Path>/pod-identity-autopilot/</Path><RoleName>app</RoleName><RoleId>AROA1</RoleId>"
                + "<Arn>arn:aws:iam::111122223333:role/pod-identity-autopilot/app</Arn>"
                + "<CreateDate>2026-12-07T11:20:45.123456Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument>"
                + "<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>"
                + "<PermissionsBoundaryArn>arn:aws:iam::111122223333:policy/boundary</PermissionsBoundaryArn></PermissionsBoundary>"
                + "<Tags><member><Key>owner</Key><Value>a &amp; b</Value></member><member><Key>cluster</Key>"
                + "<Value>dev</Value></member></Tags></Role></CreateRoleResult></CreateRoleResponse>";
        read("app"); // a view from before the role was made again
        views.served(new HttpCall("iam", "CreateRole", "us-east-1", "POST", "/", null,
                "application/x-www-form-urlencoded", "Action=CreateRole&RoleName=app".getBytes(StandardCharsets.UTF_8)),
                200, answer.getBytes(StandardCharsets.UTF_8));
        RoleViews.View view = read("app").orElseThrow();
        assertEquals(1, reads.get(), "answered from CreateRole's answer, moto not asked");
        assertEquals("arn:aws:iam::111122223333:role/pod-identity-autopilot/app", view.arn());
        assertEquals(Instant.parse("2026-12-07T11:20:45.123456Z"), view.created());
        assertEquals(Map.of("owner", "a & b", "cluster", "dev"), view.tags());
        assertEquals("arn:aws:iam::111122223333:policy/boundary", view.permissionsBoundaryArn());
    }

    @Test
    void aFailedOrUnreadableCreateRole_dropsTheViewInstead() {
        read("app");
        views.served(new HttpCall("iam", "CreateRole", "us-east-1", "POST", "/", null,
                "application/x-www-form-urlencoded", "Action=CreateRole&RoleName=app".getBytes(StandardCharsets.UTF_8)),
                409, "<ErrorResponse/>".getBytes(StandardCharsets.UTF_8));
        read("app");
        assertEquals(2, reads.get());
    }
}
