package dev.podidentity.autopilot.concurrent;

import dev.podidentity.autopilot.error.RetryableException;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * A read started on a virtual thread beside the caller's own, independent read, and awaited where its value is
 * needed: what the read throws escapes as is; an interrupted wait is retryable. {@link #close} discards a read whose
 * value is no longer wanted (the caller failed first, or an earlier answer made it moot): it is interrupted and its
 * thread waited for, so nothing keeps running after the caller returns or throws.
 */
public final class BackgroundRead<T> implements AutoCloseable {
    private final FutureTask<T> task;
    private final Thread thread;

    private BackgroundRead(FutureTask<T> task, Thread thread) {
        this.task = task;
        this.thread = thread;
    }

    public static <T> BackgroundRead<T> start(String name, Callable<T> read) {
        FutureTask<T> task = new FutureTask<>(read);
        return new BackgroundRead<>(task, Thread.ofVirtual().name(name).start(task));
    }

    /**
     * Discards the read if it is still running (interrupts it; its value and error are ignored) and waits until its
     * thread has ended. After {@link #await} it only waits for the thread's last instructions. Idempotent.
     */
    @Override
    public void close() {
        task.cancel(true);
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the read was interrupted already; wait for it to end, then keep the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
