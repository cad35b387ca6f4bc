package dev.podidentity.local.junit;

import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link LocalCloud} per test class: started before the first test, closed after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalCloudExtension LOCAL = LocalCloudExtension.withDefaultWorld();
 *
 * @BeforeEach void fresh() { LOCAL.cloud().reseed(); }   // when a test changes the world
 * }</pre>
 */
public final class LocalCloudExtension implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<LocalCloud> starter;
    private LocalCloud cloud;

    private LocalCloudExtension(Supplier<LocalCloud> starter) {
        this.starter = starter;
    }

    /** A cloud seeded with local/worlds/default.yaml. */
    public static LocalCloudExtension withDefaultWorld() {
        return withWorld(LocalWorlds.defaultWorld());
    }

    public static LocalCloudExtension withWorld(Path worldFile) {
        return new LocalCloudExtension(() -> LocalCloud.start(worldFile));
    }

    /** An empty cloud for this account and region. */
    public static LocalCloudExtension empty(String accountId, String region) {
        return new LocalCloudExtension(() -> LocalCloud.start(LocalCloud.Options.of(accountId, region)));
    }

    public LocalCloud cloud() {
        if (cloud == null) {
            throw new IllegalStateException("the local cloud starts in @BeforeAll; register the extension on a static field");
        }
        return cloud;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cloud = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cloud != null) {
            cloud.close();
            cloud = null;
        }
    }
}
