package dev.podidentity.local.gateway;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What the local cloud itself reads of a role (the IAM authorizer's resource tags, the EKS emulator's "does the role
 * exist, since when"), kept between calls until a call that can change it.
 *
 * <p>Why: every AttachRolePolicy and CreatePodIdentityAssociation made the local cloud ask moto for the role again,
 * so a run of 100 associations put about 200 extra requests on moto's one Python thread, queued behind the calls
 * being served (and measured). AWS has no such queue: authorizing a call and checking a passed role are part of its
 * answer, not extra load. A role's view is the few fields those checks read (ARN, creation time, tags, permissions
 * boundary), so nothing else of the role can go stale here.
 *
 * <p>When a view is dropped: an IAM call through the gateway that may change it (anything that is not a read, except
 * the calls known to leave these fields alone: policies, trust, description) drops the view of the role it names, or
 * every view when it names none; a write sent to moto directly (the world's seeding) or a reset drops them all
 * ({@link #clear}). A read that raced with a drop is returned but not kept.
 */
public final class RoleViews {
    /** The fields of a role the local cloud's own checks read. */
    public record View(String arn, Instant created, Map<String, String> tags, String permissionsBoundaryArn) {
        public View {
            tags = Map.copyOf(tags);
        }
    }

    /** IAM writes that name a role but change none of a {@link View}'s fields. */
    private static final Set<String> LEAVE_VIEW = Set.of("AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy",
            "DeleteRolePolicy", "UpdateAssumeRolePolicy", "UpdateRole", "UpdateRoleDescription",
            "AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile");

    private record Entry(long version, long epoch, Optional<View> view) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();

    /** The role's view, read with {@code load} unless a view read since the last change is kept. */
    public Optional<View> get(String roleName, Function<String, Optional<View>> load) {
        long epochBefore = epoch.get();
        Entry before = entries.get(roleName);
        if (before != null && before.view() != null && before.epoch() == epochBefore) {
            return before.view();
        }
        long versionBefore = before == null ? 0 : before.version();
        Optional<View> loaded = load.apply(roleName);
        entries.compute(roleName, (name, now) -> {
            long version = now == null ? 0 : now.version();
            // kept only if no drop came between the read and now
            return version == versionBefore && epoch.get() == epochBefore
                    ? new Entry(version, epochBefore, loaded) : now;
        });
        return loaded;
    }

    /** An IAM call was served: drops what it may have changed. */
    void served(String operation, String roleName) {
        if (operation.startsWith("Get") || operation.startsWith("List") || LEAVE_VIEW.contains(operation)) {
            return;
        }
        if (roleName == null) {
            clear();
        } else {
            entries.compute(roleName, (name, now) -> new Entry(now == null ? 1 : now.version() + 1, epoch.get(),
                    null));
        }
    }

    /** Drops every view (a reset, or a write that did not come through the gateway). */
    public void clear() {
        epoch.incrementAndGet();
        entries.clear();
    }
}
