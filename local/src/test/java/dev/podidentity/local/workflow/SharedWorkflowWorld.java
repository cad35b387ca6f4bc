package dev.podidentity.local.workflow;

import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local cloud with the application deployed, shared by every workflow test class of the run (starting moto
 * costs seconds; the CI budget is minutes): started by the first class, closed when the whole run ends. Before each
 * test the default world is seeded again and the application redeployed, so no test sees another's leftovers.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SharedWorkflowWorld WORLD = new SharedWorkflowWorld();
 * }</pre>
 */
final class SharedWorkflowWorld implements BeforeAllCallback, BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedWorkflowWorld.class);

    private WorkflowWorld world;

    WorkflowWorld world() {
        if (world == null) {
            throw new IllegalStateException("the workflow world starts in @BeforeAll; register the extension on a static field");
        }
        return world;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        world = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("world", key -> new Holder(LocalCloud.start(LocalWorlds.defaultWorld())),
                        Holder.class).world;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        world.fresh();
    }

    /** Closed by JUnit when the root context closes: after the last test class. */
    private static final class Holder implements AutoCloseable {
        private final LocalCloud cloud;
        private final WorkflowWorld world;

        Holder(LocalCloud cloud) {
            this.cloud = cloud;
            this.world = new WorkflowWorld(cloud);
        }

        @Override
        public void close() {
            cloud.close();
        }
    }
}
