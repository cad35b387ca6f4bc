package dev.podidentity.autopilot.run;

/**
 * The {@code trigger.type} of a run's execution input: what started the run. The dispatcher and the sweep write
 * them; Resolve reads them (a run started by an upload may be superseded by a newer one); the report and the
 * run-finished event show them.
 */
public final class TriggerTypes {
    /** CloudTrail's CreateCluster or DeleteCluster, through EventBridge. */
    public static final String CLOUDTRAIL = "cloudtrail";
    /** A config uploaded to the config bucket (S3 Object Created, through EventBridge). */
    public static final String UPLOAD = "s3";
    /** An operator's run from the Step Functions console, and the runs the sweep starts to fix what it found. */
    public static final String CONSOLE = "console";
    /** The scheduled sweep itself. */
    public static final String SWEEP = "sweep";

    private TriggerTypes() {
    }
}
