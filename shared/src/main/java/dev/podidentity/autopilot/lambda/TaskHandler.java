package dev.podidentity.autopilot.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What every task handler is: a record of the run contract in (bound by Jackson here, at the border), one service
 * call, a record out. A handler module only names its input type and service call and gives Lambda a no-argument
 * constructor (services from the environment, built during init so SnapStart keeps them); the local cloud
 * constructs the same class with its own services.
 */
public abstract class TaskHandler<I> extends JsonHandler<I, Object> {
    private final BiFunction<I, LongSupplier, ?> task;

    protected TaskHandler(Class<I> input, Function<I, ?> task) {
        this(input, (request, remaining) -> task.apply(request));
    }

    /** A task whose input is read with a binding of its own (an EventBridge event: {@link EventBridgeEvents}). */
    protected TaskHandler(Class<I> input, ObjectMapper reader, Function<I, ?> task) {
        super(input, reader);
        this.task = (request, remaining) -> task.apply(request);
    }

    /** A task that needs the invocation's remaining time in milliseconds (unlimited outside Lambda). */
    protected TaskHandler(Class<I> input, BiFunction<I, LongSupplier, ?> task) {
        super(input);
        this.task = task;
    }

    @Override
    protected final Object handle(I input, Context context) {
        LongSupplier remaining = context == null ? () -> Long.MAX_VALUE : () -> context.getRemainingTimeInMillis();
        return task.apply(input, remaining);
    }
}
