package dev.podidentity.autopilot.run.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.naming.BucketLayout;
import dev.podidentity.autopilot.operate.Readable;
import dev.podidentity.autopilot.operate.RunNotices;
import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.port.RunEvents;
import dev.podidentity.autopilot.concurrent.BackgroundRead;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.run.contract.BatchDescriptor;
import dev.podidentity.autopilot.run.contract.BatchResult;
import dev.podidentity.autopilot.run.contract.PlanSummary;
import dev.podidentity.autopilot.run.contract.ReportResult;
import dev.podidentity.autopilot.run.contract.ReportSummary;
import dev.podidentity.autopilot.run.contract.ReportSummary.FailedStep;
import dev.podidentity.autopilot.run.contract.ReportTask;
import dev.podidentity.autopilot.run.contract.ResolveOutput;
import dev.podidentity.autopilot.run.contract.RunError;
import dev.podidentity.autopilot.run.contract.RunPhases;
import dev.podidentity.autopilot.run.contract.StepOutcome;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.TreeMap;

/**
 * The Report task: every step's outcome, what failed and why, written to the config bucket under
 * {@code reports/<cluster>/<execution>.json}; the summary it returns is the execution's output.
 *
 * <p>Outcomes are read from the batches' outcomes objects ({@link RunArtifacts}), one per batch descriptor of the
 * run: a batch that wrote outcomes before its Map state was stopped is still reported. Steps of a batch whose Map
 * item failed as a whole (its retries exhausted, the function timed out) and that have no outcome are reported
 * FAILED with the batch's error. The returned summary stays small: the first {@link #MAX_FAILED_LISTED} failures
 * and a count of the rest; the report object has them all.
 */
public final class Reporter {
    static final int MAX_FAILED_LISTED = 20;

    private final ConfigStore store;
    private final RunArtifacts runs;
    private final RunNotices notices;

    public Reporter(ConfigStore store, RunArtifacts runs) {
        this(store, runs, new RunNotices(store, null, RunEvents.NONE, java.time.Clock.systemUTC()));
    }

    /** {@code notices}: the Markdown report, the run-finished event and the run's metrics, after the JSON report. */
    public Reporter(ConfigStore store, RunArtifacts runs, RunNotices notices) {
        this.store = store;
        this.runs = runs;
        this.notices = notices;
    }

    public ReportResult report(ReportTask task) {
        ResolveOutput run = task.run();
        Requested requested = Requested.of(task.input());
        String cluster = run != null && run.cluster() != null ? run.cluster()
                : requested.cluster() != null ? requested.cluster() : "unknown";
        String execution = task.execution() != null && task.execution().name() != null ? task.execution().name()
                : "unnamed";
        String planKey = run == null ? null : run.planKey();
        PlanReader plan = new PlanReader(planKey);
        List<StepOutcome> outcomes = outcomes(task, plan);

        Map<String, Integer> counts = new TreeMap<>();
        List<FailedStep> failed = new ArrayList<>();
        for (StepOutcome o : outcomes) {
            counts.merge(o.resultOrUnknown(), 1, Integer::sum);
            if (o.hasFailed()) {
                failed.add(new FailedStep(text(o.stepId()), text(o.error()), readableCause(text(o.cause()))));
            }
        }
        RunError error = task.error();
        boolean runFailed = error != null && error.error() != null;
        String status = runFailed || !failed.isEmpty() ? "FAILED" : "SUCCEEDED";
        String cause = null;
        if (runFailed) {
            cause = error.error() + ": " + readableCause(text(error.cause()));
        } else if (!failed.isEmpty()) {
            cause = failed.size() + " of " + outcomes.size() + " steps failed; first: " + failed.get(0).stepId()
                    + ": " + failed.get(0).message();
        }

        String action = run != null && run.action() != null ? run.action() : text(requested.action());
        PlanSummary planned = run == null ? null : run.summary();
        // migration: the workloads whose running pods still hold IRSA credentials, beside the plan for the operator
        var restart = planned == null ? null : planned.restartWorkloads();
        ReportSummary summary = new ReportSummary(action, cluster, counts, failed,
                planned == null ? null : planned.withoutRestarts(), restart,
                restart == null ? null : planned.restartNote(), null, null);
        String reportKey = BucketLayout.reportKey(cluster, execution);
        String planText = plan.present() ? text(plan.get().planText())
                : run != null ? text(run.planText()) : "";
        RunReport report = new RunReport(status, cause, reportKey, summary, task.execution(), task.input(), planText,
                planKey, outcomes, runFailed ? error : null);
        JsonNode written = JsonHandler.MAPPER.valueToTree(report);
        store.write(reportKey, written.toPrettyString().getBytes(StandardCharsets.UTF_8), "application/json");
        ReportResult result = notices.finished(written, new ReportResult(status, reportKey,
                summary.listingAtMost(MAX_FAILED_LISTED), cause, null, null));
        Log.forRun(execution, cluster).info("run " + status.toLowerCase(Locale.ROOT), "reportKey", reportKey,
                "counts", counts);
        return result;
    }

    /** InstallAgent's outcome, then every batch's in phase and batch order, each with its phase. */
    private List<StepOutcome> outcomes(ReportTask task, PlanReader plan) {
        List<StepOutcome> out = new ArrayList<>();
        if (task.outcomes() != null && task.outcomes().agent() != null) {
            out.add(task.outcomes().agent().inPhase("agent"));
        }
        if (task.run() == null) {
            return out;
        }
        Map<String, Optional<List<StepOutcome>>> read = readAtOnce(task, plan);
        for (String phase : RunPhases.LABELS) {
            List<BatchDescriptor> batches = task.run().batches(phase);
            List<BatchResult> results = task.outcomes() == null ? List.of() : task.outcomes().of(phase);
            for (BatchDescriptor batch : batches == null ? List.<BatchDescriptor>of() : batches) {
                batchOutcomes(phase, batch, results, plan, read).forEach(o -> out.add(o.inPhase(phase)));
            }
        }
        return out;
    }

    /**
     * The plan and every batch's outcomes object, read at once (virtual threads): independent reads, so the report
     * waits for the slowest one instead of their sum. Each key's outcomes by key; what a read throws escapes as is.
     */
    private Map<String, Optional<List<StepOutcome>>> readAtOnce(ReportTask task, PlanReader plan) {
        Map<String, Optional<List<StepOutcome>>> read = new ConcurrentHashMap<>();
        if (plan.key == null) {
            return read;
        }
        List<Callable<Object>> reads = new ArrayList<>();
        reads.add(() -> plan.get());
        for (String phase : RunPhases.LABELS) {
            List<BatchDescriptor> batches = task.run().batches(phase);
            for (BatchDescriptor batch : batches == null ? List.<BatchDescriptor>of() : batches) {
                String key = RunArtifacts.outcomesKey(plan.key, phase, orZero(batch.batch()));
                reads.add(() -> read.put(key, runs.stepOutcomes(key)));
            }
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> started = reads.stream().map(pool::submit).toList();
            for (Future<Object> f : started) {
                BackgroundRead.result(f, "interrupted while reading the run's outcomes");
            }
        }
        return read;
    }

    /**
     * A batch's outcomes from its outcomes object; for a batch whose Map item failed, its steps without an outcome
     * become FAILED with the item's error. A batch that never ran (the run stopped before its phase) has none.
     */
    private List<StepOutcome> batchOutcomes(String phase, BatchDescriptor batch, List<BatchResult> mapResults,
                                            PlanReader plan, Map<String, Optional<List<StepOutcome>>> read) {
        int number = orZero(batch.batch());
        List<StepOutcome> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (plan.key != null) {
            String key = RunArtifacts.outcomesKey(plan.key, phase, number);
            read.computeIfAbsent(key, runs::stepOutcomes).ifPresent(list -> list.forEach(o -> {
                out.add(o);
                seen.add(text(o.stepId()));
            }));
        }
        BatchResult itemFailure = null;
        for (BatchResult result : mapResults) {
            if (result != null && result.batch() != null && result.batch() == number && result.batchFailed()) {
                itemFailure = result;
            }
        }
        int from = orZero(batch.from());
        int to = orZero(batch.to());
        if (itemFailure != null && out.size() < to - from && plan.present()) {
            List<PlanView.StepId> steps = plan.get().steps(phase);
            for (int i = from; i < to && i < steps.size(); i++) {
                String stepId = text(steps.get(i).id());
                if (!seen.contains(stepId)) {
                    out.add(StepOutcome.failed(stepId, text(itemFailure.error()), text(itemFailure.cause())));
                }
            }
        }
        return out;
    }

    /** What the Report reads of the execution input, leniently: a report is written for a bad input too. */
    private record Requested(String action, String cluster) {
        static Requested of(JsonNode input) {
            try {
                Requested read = input == null ? null : JsonHandler.MAPPER.convertValue(input, Requested.class);
                return read == null ? new Requested(null, null) : read;
            } catch (IllegalArgumentException notAnInput) {
                return new Requested(null, null);
            }
        }
    }

    /** What the Report reads of the plan object: the whole plan text and each phase's step ids, in order. */
    private record PlanView(String planText, Map<String, List<StepId>> phases) {
        record StepId(String id) {
        }

        List<StepId> steps(String phase) {
            List<StepId> steps = phases == null ? null : phases.get(phase);
            return steps == null ? List.of() : steps;
        }
    }

    /** The run's plan artifact, read once and only when the report needs it. */
    private final class PlanReader {
        private final String key;
        private PlanView plan;
        private boolean read;

        PlanReader(String key) {
            this.key = key;
        }

        boolean present() {
            return get() != null;
        }

        /** The plan, or null when the run has none or it is gone: a report without it is still a report. */
        PlanView get() {
            if (!read && key != null) {
                read = true;
                try {
                    plan = JsonHandler.MAPPER.convertValue(runs.plan(key), PlanView.class);
                } catch (NotFoundException gone) {
                    plan = null;
                }
            }
            return plan;
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    /** Lambda's error document (a JSON string in Cause) read down to its message, for people. */
    public static String readableCause(String cause) {
        return Readable.cause(cause);
    }
}
