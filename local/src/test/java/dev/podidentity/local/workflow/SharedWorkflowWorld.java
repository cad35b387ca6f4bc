package dev.podidentity.local.workflow;

import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local cloud with the application deployed, shared by every workflow test class of the run (starting moto
 * costs seconds; the CI budget is minutes): started by the first class, closed when the whole run ends. Before each
 * test the default world is seeded again and the application redeployed, so no test sees another's leftovers.
 * Used through {@link WorkflowTest}: the world goes into the class's {@code static WorkflowWorld} fields and into
 * parameters of type {@link WorkflowWorld} or {@link LocalCloud}.
 */
final class SharedWorkflowWorld implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedWorkflowWorld.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        WorkflowWorld world = world(context);
        for (Class<?> c = context.getRequiredTestClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType() != WorkflowWorld.class) {
                    continue;
                }
                if (!Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                    throw new ExtensionConfigurationException(c.getSimpleName() + "." + field.getName()
                            + ": the workflow world is set once per class; declare it static and not final");
                }
                field.setAccessible(true);
                field.set(null, world);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        world(context).fresh();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == WorkflowWorld.class || type == LocalCloud.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        WorkflowWorld world = world(context);
        return parameter.getParameter().getType() == LocalCloud.class ? world.cloud() : world;
    }

    private static WorkflowWorld world(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("world", key -> new Holder(LocalCloud.start(LocalWorlds.defaultWorld())),
                        Holder.class).world;
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
