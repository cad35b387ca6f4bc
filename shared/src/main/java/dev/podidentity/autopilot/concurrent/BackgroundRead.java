package dev.podidentity.autopilot.concurrent;

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
     * {@code read} of each item, at most {@code atOnce} at a time on virtual threads, the values in the items' order:
     * independent reads (IAM's GetRole of many roles, GetPolicy of many policies) that would otherwise wait for each
     * other. What a read throws escapes as is; an interrupted wait is retryable, with the message {@code interrupted}.
     */
    public static <I, T> java.util.List<T> each(java.util.List<I> items, int atOnce,
                                                java.util.function.Function<I, T> read, String interrupted) {
        if (items.size() <= 1 || atOnce <= 1) {
            return items.stream().map(read).toList();
        }
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(atOnce);
        try (java.util.concurrent.ExecutorService threads =
                     java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.List<Future<T>> reads = new java.util.ArrayList<>();
            for (I item : items) {
                reads.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        return read.apply(item);
                    } finally {
                        slots.release();
                    }
                }));
            }
            java.util.List<T> values = new java.util.ArrayList<>();
            for (Future<T> r : reads) {
                values.add(result(r, interrupted));
            }
            return values;
        }
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
