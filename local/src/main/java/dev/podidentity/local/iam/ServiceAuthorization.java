package dev.podidentity.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Service Authorization Reference rows of the actions our functions call (resource {@code
 * iam/service-authorization.json}): which resource types each action is authorized against and what their ARNs look
 * like. The gateway uses it to check that the resources it builds for a call are ones IAM would authorize that action
 * against, and to authorize actions without resource-level permissions against {@code "*"}.
 */
public final class ServiceAuthorization {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One resource type an action is authorized against; {@code required} is the reference's trailing star. */
    public record ResourceType(String name, boolean required, Pattern arn) {
    }

    /** An action's row. */
    public record Action(String name, List<ResourceType> resourceTypes, List<String> conditionKeys,
                         List<String> dependentActions) {
        /** True for actions without resource-level permissions: a policy grants them only with Resource "*". */
        public boolean unscoped() {
            return resourceTypes.isEmpty();
        }

        /** The resource type an ARN is of, among this action's. */
        public Optional<ResourceType> typeOf(String arn) {
            return resourceTypes.stream().filter(t -> t.arn().matcher(arn).matches()).findFirst();
        }
    }

    private final Map<String, Action> actions;
    private final String source;
    private final String retrieved;

    private ServiceAuthorization(Map<String, Action> actions, String source, String retrieved) {
        this.actions = actions;
        this.source = source;
        this.retrieved = retrieved;
    }

    public static ServiceAuthorization load() {
        try (InputStream in = ServiceAuthorization.class.getResourceAsStream("/iam/service-authorization.json")) {
            if (in == null) {
                throw new IllegalStateException("iam/service-authorization.json is not on the class path");
            }
            return parse(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ServiceAuthorization parse(JsonNode root) {
        Map<String, Action> out = new LinkedHashMap<>();
        root.path("services").properties().forEach(service -> {
            String prefix = service.getKey();
            Map<String, Pattern> arns = new LinkedHashMap<>();
            service.getValue().path("resources").properties().forEach(r -> arns.put(r.getKey(), arnPattern(r.getValue().asText())));
            service.getValue().path("actions").properties().forEach(a -> {
                List<ResourceType> types = new ArrayList<>();
                a.getValue().path("resourceTypes").forEach(t -> {
                    String name = t.asText();
                    boolean required = name.endsWith("*");
                    String bare = required ? name.substring(0, name.length() - 1) : name;
                    Pattern arn = arns.get(bare);
                    if (arn == null) {
                        throw new IllegalStateException(prefix + ":" + a.getKey() + " names resource type " + bare
                                + " without an ARN format in service-authorization.json");
                    }
                    types.add(new ResourceType(bare, required, arn));
                });
                List<String> keys = new ArrayList<>();
                a.getValue().path("conditionKeys").forEach(k -> keys.add(k.asText()));
                List<String> dependent = new ArrayList<>();
                a.getValue().path("dependentActions").forEach(d -> dependent.add(d.asText()));
                String name = prefix + ":" + a.getKey();
                out.put(name.toLowerCase(java.util.Locale.ROOT), new Action(name, List.copyOf(types), List.copyOf(keys),
                        List.copyOf(dependent)));
            });
        });
        return new ServiceAuthorization(out, root.path("source").asText(), root.path("retrieved").asText());
    }

    /** {@code arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}} as a regular expression. */
    static Pattern arnPattern(String format) {
        StringBuilder regex = new StringBuilder();
        java.util.regex.Matcher m = Pattern.compile("\\$\\{[^}]+}").matcher(format);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(format.substring(last, m.start()))).append(".+");
            last = m.end();
        }
        regex.append(Pattern.quote(format.substring(last)));
        return Pattern.compile(regex.toString());
    }

    public Optional<Action> action(String action) {
        return Optional.ofNullable(actions.get(action.toLowerCase(java.util.Locale.ROOT)));
    }

    public String source() {
        return source + " (retrieved " + retrieved + ")";
    }
}
