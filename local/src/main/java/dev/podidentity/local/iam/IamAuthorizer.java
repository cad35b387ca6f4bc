package dev.podidentity.local.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Authorizes each AWS call a function makes against that function's role, as IAM would: the call's authorizations
 * ({@link CallContexts}) are checked against the Service Authorization Reference ({@link ServiceAuthorization}: the
 * action must be known and the resource must be of a type the action is authorized against) and evaluated with
 * {@link PolicyEvaluator} on the role's statements from the template ({@link TemplatePolicies}). Every authorization
 * is recorded ({@link #observed()}) with the statements that allowed it, so tests can tell which statement each call
 * needs. Thread-safe.
 */
public final class IamAuthorizer {
    /** One authorization a function's call needed, and how it was decided. */
    public record Observed(String function, RequestContext request, String resourceType,
                           PolicyEvaluator.Effect effect, List<String> decidedBy) {
    }

    /** A refused call: the service whose error shape answers it, and IAM's message. */
    public record Denial(String service, String action, String message) {
    }

    private final TemplatePolicies policies;
    private final ServiceAuthorization reference;
    private final CallContexts contexts;
    private final Function<String, String> principalOf;
    private final ConcurrentLinkedQueue<Observed> observed = new ConcurrentLinkedQueue<>();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    private volatile boolean enforcing = true;

    /**
     * @param principalOf function logical id to the ARN its calls are made as (the assumed-role session ARN)
     */
    public IamAuthorizer(TemplatePolicies policies, ServiceAuthorization reference, CallContexts contexts,
                         Function<String, String> principalOf) {
        this.policies = policies;
        this.reference = reference;
        this.contexts = contexts;
        this.principalOf = principalOf;
    }

    public TemplatePolicies policies() {
        return policies;
    }

    /** Authorizes a call made by {@code function}; empty when every authorization it needs is allowed. */
    public Optional<Denial> authorize(String function, HttpCall call) {
        for (RequestContext request : contexts.of(call)) {
            Optional<Denial> denial = authorize(function, request);
            if (denial.isPresent()) {
                return denial;
            }
        }
        return Optional.empty();
    }

    /** One authorization on its own (also what S3 checks when it decides between NoSuchKey and AccessDenied). */
    public Optional<Denial> authorize(String function, RequestContext request) {
        ServiceAuthorization.Action row = reference.action(request.action()).orElseThrow(() -> new IllegalStateException(
                function + " called " + request.action() + ", which has no row in iam/service-authorization.json; add "
                        + "it from the Service Authorization Reference (" + reference.source() + ")"));
        String type;
        if (row.unscoped()) {
            if (!request.resource().equals("*")) {
                throw new IllegalStateException(request.action() + " has no resource-level permissions but the "
                        + "gateway built the resource " + request.resource());
            }
            type = "*";
        } else {
            type = row.typeOf(request.resource()).map(ServiceAuthorization.ResourceType::name).orElseThrow(() ->
                    new IllegalStateException(request.action() + " is not authorized against " + request.resource()
                            + " in the Service Authorization Reference (its resource types: "
                            + row.resourceTypes().stream().map(ServiceAuthorization.ResourceType::name).toList() + ")"));
        }
        List<Statement> statements = statementsOf(function);
        PolicyEvaluator.Decision decision = PolicyEvaluator.evaluate(statements, request);
        observed.add(new Observed(function, request, type, decision.effect(),
                decision.decidedBy().stream().map(Statement::origin).toList()));
        if (decision.allowed() || !enforcing) {
            return Optional.empty();
        }
        String why = decision.effect() == PolicyEvaluator.Effect.EXPLICIT_DENY
                ? "with an explicit deny in an identity-based policy"
                : "because no identity-based policy allows the " + request.action() + " action";
        return Optional.of(new Denial(request.service(), request.action(), "User: " + principalOf.apply(function)
                + " is not authorized to perform: " + request.action() + " on resource: " + request.resource() + " " + why));
    }

    /**
     * For a decision a service makes on the side (S3: may the caller list the bucket, so that a missing key reads as
     * NoSuchKey rather than AccessDenied): whether {@code function} may do this. Recorded only when allowed, since
     * the grant is then what makes the answer differ; a refusal here is not a refused call.
     */
    public boolean allowsOnTheSide(String function, RequestContext request) {
        PolicyEvaluator.Decision decision = PolicyEvaluator.evaluate(statementsOf(function), request);
        if (decision.allowed()) {
            String type = reference.action(request.action()).flatMap(row -> row.typeOf(request.resource()))
                    .map(ServiceAuthorization.ResourceType::name).orElse("*");
            observed.add(new Observed(function, request, type, decision.effect(),
                    decision.decidedBy().stream().map(Statement::origin).toList()));
        }
        return decision.allowed();
    }

    private List<Statement> statementsOf(String function) {
        List<Statement> all = policies.statements(function);
        if (dropped.isEmpty()) {
            return all;
        }
        List<Statement> kept = new ArrayList<>();
        for (Statement s : all) {
            if (!dropped.contains(s.origin())) {
                kept.add(s);
            }
        }
        return kept;
    }

    /** Every authorization since the last {@link #clearObserved()}, in order. */
    public List<Observed> observed() {
        return List.copyOf(observed);
    }

    public void clearObserved() {
        observed.clear();
    }

    /** Per function, the distinct "action (resource type)" it was authorized for, sorted. */
    public Map<String, Set<String>> callsByFunction() {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Observed o : observed) {
            out.computeIfAbsent(o.function(), f -> new java.util.TreeSet<>()).add(o.request().action() + " (" + o.resourceType() + ")");
        }
        return out;
    }

    /**
     * For tests that prove a statement is needed: the role behaves as if the statement with this origin
     * ({@code Role/PolicyName/Sid}) were not in the template. {@link #restore()} undoes it.
     */
    public void drop(String statementOrigin) {
        dropped.add(statementOrigin);
    }

    public void restore() {
        dropped.clear();
    }

    /**
     * Off: calls are still evaluated and recorded but never refused. Only for tests about something else that must
     * see what the code would do without IAM; no workflow test turns it off.
     */
    public void enforcing(boolean on) {
        this.enforcing = on;
    }

    public boolean enforcing() {
        return enforcing;
    }
}
