package dev.podidentity.autopilot.run;

import dev.podidentity.autopilot.error.RetryableException;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * A read started on a virtual thread beside the caller's own, independent read, and awaited where its value is
 * needed: what the read throws escapes as is; an interrupted wait is retryable.
 */
public final class BackgroundRead<T> {
    private final FutureTask<T> task;

    private BackgroundRead(FutureTask<T> task) {
        this.task = task;
    }

    public static <T> BackgroundRead<T> start(String name, Callable<T> read) {
        FutureTask<T> task = new FutureTask<>(read);
        Thread.ofVirtual().name(name).start(task);
        return new BackgroundRead<>(task);
    }

    /** The read's value; {@code interrupted} is the message of the retryable error an interrupted wait gives. */
    public T await(String interrupted) {
        return result(task, interrupted);
    }

    /**
     * A started read's value, the same way for any {@link Future} (e.g. one of many reads submitted at once): what
     * the read throws escapes as is; an interrupted wait is retryable, with the message {@code interrupted}.
     */
    public static <T> T result(Future<T> read, String interrupted) {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException(interrupted, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
