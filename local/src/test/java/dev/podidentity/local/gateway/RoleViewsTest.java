package dev.podidentity.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoleViewsTest {
    private final RoleViews views = new RoleViews();
    private final AtomicInteger reads = new AtomicInteger();

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
            views.served(op, "app");
        }
        assertEquals("1", read("app").orElseThrow().tags().get("n"));
        assertEquals(1, reads.get());
    }

    @Test
    void aWriteThatMayChangeIt_dropsThatRolesViewOnly() {
        read("app");
        read("other");
        views.served("TagRole", "app");
        read("app");
        read("other");
        assertEquals(3, reads.get(), "app read again, other kept");
        views.served("PutRolePermissionsBoundary", "app");
        views.served("DeleteRole", "other");
        read("app");
        read("other");
        assertEquals(5, reads.get());
    }

    @Test
    void aWriteNamingNoRole_dropsEveryView() {
        read("app");
        read("other");
        views.served("CreatePolicy", null);
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
        views.served("CreateRole", "new");
        assertEquals("1", read("new").orElseThrow().tags().get("n"));
    }

    @Test
    void aReadThatRacedWithADrop_isAnsweredButNotKept() {
        Optional<RoleViews.View> raced = views.get("app", n -> {
            reads.incrementAndGet();
            views.served("UntagRole", "app"); // the write lands while moto is being asked
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
}
