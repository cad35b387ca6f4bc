/**
 * The executors: one kind of write each, idempotent, each returning an {@link dev.podidentity.autopilot.execute.Outcome}
 * (CREATED, UPDATED, UNCHANGED, DELETED, SKIPPED with a reason) or throwing a typed error from the {@code error}
 * package. They re-check only what may have changed since planning, read before they write (so a rerun of a done
 * step makes no write call; see {@link dev.podidentity.autopilot.execute.Preflight}), and refuse to change or delete
 * what this application does not own.
 *
 * <pre>
 * StepExecutors x = AwsAdapters.executors(AwsClients.fromEnvironment());   // once per container
 * Outcome o = x.execute(cluster, PlanJson.readStep(stepJson));             // any step; or the executor itself:
 * x.agent().install(cluster, step);  x.agent().check(cluster, addon);      // InstallAgent, status poll
 * x.trust().update(cluster, step);                                         // UpdateTrustPolicy
 * x.associations().ensure / update / migrate / delete(cluster, step);     // association steps
 * x.addons().create / update / migrate / delete(cluster, step);           // addon steps
 * x.reader().get(cluster, namespace, serviceAccount);                      // get
 * </pre>
 */
package dev.podidentity.autopilot.execute;
