package dev.podidentity.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lambda's CPU for a cold start, on this machine: an on-demand function's init runs on one full vCPU, unthrottled;
 * its invocations get CPU in proportion to memory, one vCPU at 1,769 MB (1,024 MB: 0.58 vCPU; 512 MB: 0.29). Sources:
 * the Lambda developer guide's memory page (1,769 MB = one vCPU) and AWS's "Effectively running Java on Serverless"
 * guide ("On-demand Lambda functions use a full vCPU (non-throttled) ... during its initialization phase"; provisioned
 * concurrency gets no burst).
 *
 * <p>Each fresh JVM runs in a cgroup (v1 {@code cpu} controller) of its own: {@code cpu.cfs_quota_us} is one period
 * (one CPU's worth) while the handler is constructed, and the driver lowers it to the memory's share right before the
 * first request ({@link ColdStartDriver}). The JVM ignores the cgroup when sizing itself ({@code
 * -XX:-UseContainerSupport}): inside Lambda it sees the microVM's processors, not the host's throttle. Without a
 * writable cgroup the runs use the machine's CPU as they are, and the table says so.
 */
final class LambdaCpu {
    static final long PERIOD_US = 100_000;
    /** Memory at which a function has one vCPU. */
    static final double ONE_VCPU_MB = 1769;

    private final Path group;

    private LambdaCpu(Path group) {
        this.group = group;
    }

    /** The model, unless {@code -Dcoldstart.cpu=machine} or this machine has no writable cgroup v1 cpu controller. */
    static Optional<LambdaCpu> create() {
        if ("machine".equals(System.getProperty("coldstart.cpu", "lambda"))) {
            return Optional.empty();
        }
        Path root = Path.of("/sys/fs/cgroup/cpu");
        if (!Files.isWritable(root) || !Files.exists(root.resolve("cpu.cfs_quota_us"))) {
            return Optional.empty();
        }
        Path group = root.resolve("podidentity-coldstart-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(group);
            Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
        LambdaCpu cpu = new LambdaCpu(group);
        Runtime.getRuntime().addShutdownHook(new Thread(cpu::remove));
        return Optional.of(cpu);
    }

    /** The quota of an invocation of a function of this much memory, in microseconds a period. */
    static long invokeQuotaUs(int memoryMb) {
        return Math.round(memoryMb / ONE_VCPU_MB * PERIOD_US);
    }

    /**
     * The command, run inside the group from its first instruction (the shell moves itself in, then becomes the JVM),
     * with the init phase's quota set and what the driver needs to lower it.
     */
    List<String> wrap(List<String> javaCommand, int memoryMb) throws IOException {
        Files.writeString(quotaFile(), Long.toString(PERIOD_US));
        List<String> command = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && shift && exec \"$@\"",
                group.resolve("cgroup.procs").toString(), "-"));
        command.add(javaCommand.get(0));
        command.add("-XX:-UseContainerSupport");
        command.add("-Dcoldstart.cpuQuotaFile=" + quotaFile());
        command.add("-Dcoldstart.invokeQuotaUs=" + invokeQuotaUs(memoryMb));
        command.addAll(javaCommand.subList(1, javaCommand.size()));
        return command;
    }

    /** What the table's header says of the CPU the runs had. */
    static String describe(Optional<LambdaCpu> cpu) {
        return cpu.isPresent()
                ? "Lambda's CPU: init on one unthrottled vCPU, the first request at the function's memory / 1,769 MB"
                : "this machine's CPU, unthrottled (no writable cgroup v1 cpu controller, or -Dcoldstart.cpu=machine)";
    }

    private Path quotaFile() {
        return group.resolve("cpu.cfs_quota_us");
    }

    private void remove() {
        try {
            Files.deleteIfExists(group);
        } catch (IOException e) {
            System.err.println("could not remove " + group + ": " + e.getMessage());
        }
    }
}
