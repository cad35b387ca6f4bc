package dev.podidentity.local.gateway;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where each gateway call's time went, for the benchmarks: one tab-separated line per call with its start (ms since
 * the trace began), service, operation, the number of calls in flight when it arrived, and the milliseconds of each
 * part (classify, authorize, limits, moto or emulator, latency: what remained of the injected latency after them,
 * then "send": the answer written back). Off unless a
 * file is named; when off, every method is a no-op.
 */
final class CallTrace implements AutoCloseable {
    private static final CallTrace OFF = new CallTrace(null);
    private static final Timer NO_TIMER = new Timer(null);
    private final BufferedWriter out;
    private final long origin = System.nanoTime();
    private final AtomicInteger inFlight = new AtomicInteger();

    private CallTrace(BufferedWriter out) {
        this.out = out;
    }

    static CallTrace fromSystemProperty(String property) {
        String file = System.getProperty(property);
        if (file == null || file.isBlank()) {
            return OFF;
        }
        try {
            BufferedWriter writer = Files.newBufferedWriter(Path.of(file));
            writer.write("startMs\tservice\toperation\tinFlight\tparts\ttotalMs\n");
            return new CallTrace(writer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the gateway trace " + file, e);
        }
    }

    Timer start() {
        return out == null ? NO_TIMER : new Timer(this);
    }

    private synchronized void write(String line) {
        try {
            out.write(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One call's clock: laps name the part that just ended. */
    static final class Timer {
        private final CallTrace trace;
        private final long start = System.nanoTime();
        private final int inFlight;
        private final StringBuilder parts = new StringBuilder();
        private long last = start;
        private String service = "?";
        private String operation = "?";

        private Timer(CallTrace trace) {
            this.trace = trace;
            this.inFlight = trace == null ? 0 : trace.inFlight.incrementAndGet();
        }

        void call(String service, String operation) {
            this.service = service;
            this.operation = operation;
        }

        void lap(String part) {
            if (trace == null) {
                return;
            }
            long now = System.nanoTime();
            parts.append(part).append('=').append(String.format("%.1f", (now - last) / 1e6)).append(' ');
            last = now;
        }

        void end() {
            if (trace == null) {
                return;
            }
            lap("send");
            trace.inFlight.decrementAndGet();
            trace.write(String.format("%.1f\t%s\t%s\t%d\t%s\t%.1f%n", (start - trace.origin) / 1e6, service, operation,
                    inFlight, parts.toString().trim(), (System.nanoTime() - start) / 1e6));
        }
    }
}
