package dev.podidentity.autopilot.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What every task handler is: JSON in, one service call, JSON out. A handler module only names its service call
 * and gives Lambda a no-argument constructor (services from the environment, built during init so SnapStart
 * keeps them); the local cloud constructs the same class with its own services.
 */
public abstract class TaskHandler extends JsonHandler<JsonNode, Object> {
    private final BiFunction<JsonNode, LongSupplier, ?> task;

    protected TaskHandler(Function<JsonNode, ?> task) {
        this((input, remaining) -> task.apply(input));
    }

    /** A task that needs the invocation's remaining time in milliseconds (unlimited outside Lambda). */
    protected TaskHandler(BiFunction<JsonNode, LongSupplier, ?> task) {
        super(JsonNode.class);
        this.task = task;
    }

    @Override
    protected final Object handle(JsonNode input, Context context) {
        LongSupplier remaining = context == null ? () -> Long.MAX_VALUE : () -> context.getRemainingTimeInMillis();
        return task.apply(input, remaining);
    }
}
