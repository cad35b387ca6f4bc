package dev.podidentity.local.execute;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.junit.LocalCloudExtension;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every executor and observer test against the local cloud sets up: a cloud seeded with the default world for
 * the class, the SDK clients our adapters use pointed at it, and the IAM adapter. The class's static fields of type
 * {@link LocalCloud}, {@link AwsClients} and {@link AwsIamRoles} are set before its own {@code @BeforeAll} methods
 * run (which build the executor under test from {@code clients}); the counted calls start at zero when each test
 * method starts (after its {@code @BeforeEach} methods); the clients and the cloud are closed after the last test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
 * private static LocalCloud cloud;
 * private static AwsClients clients;
 * }</pre>
 */
public final class LocalAwsExtension implements BeforeAllCallback, AfterAllCallback, BeforeTestExecutionCallback {
    private final LocalCloudExtension local = LocalCloudExtension.withDefaultWorld();
    private AwsClients clients;

    private LocalAwsExtension() {
    }

    public static LocalAwsExtension withDefaultWorld() {
        return new LocalAwsExtension();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        local.beforeAll(context);
        LocalCloud cloud = local.cloud();
        clients = LocalAws.clients(cloud);
        Map<Class<?>, Object> values = Map.of(LocalCloud.class, cloud, AwsClients.class, clients,
                AwsIamRoles.class, LocalAws.iam(clients));
        for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
            Object value = values.get(field.getType());
            if (value == null) {
                continue;
            }
            if (!Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                throw new ExtensionConfigurationException(context.getRequiredTestClass().getSimpleName() + "."
                        + field.getName() + ": set once per class by LocalAwsExtension; declare it static, not final");
            }
            field.setAccessible(true);
            field.set(null, value);
        }
    }

    /** After the class's own {@code @BeforeEach} methods: what they call to clean up is not counted. */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        local.cloud().calls().reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (clients != null) {
                clients.close();
                clients = null;
            }
        } finally {
            local.afterAll(context);
        }
    }
}
