package dev.podidentity.local.workflow;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A workflow test class: runs on the one local cloud of the run with the application deployed
 * ({@link SharedWorkflowWorld}), the default world seeded again before each test. The class's
 * {@code static WorkflowWorld} field is set before its {@code @BeforeAll} methods run; a test or lifecycle method
 * may also take the {@link WorkflowWorld} or its {@link dev.podidentity.local.LocalCloud} as a parameter.
 *
 * <pre>{@code
 * @WorkflowTest
 * class WorkflowSomethingTest {
 *     static WorkflowWorld world;
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedWorkflowWorld.class)
@interface WorkflowTest {
}
