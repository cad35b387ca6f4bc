package dev.podidentity.local.eks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EKS's REST-JSON routes (paths from the botocore model) mapped onto {@link EksEmulator}. {@link #operation}
 * names any EKS route, including the cluster routes that stay with moto.
 */
public final class EksRestApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An HTTP answer in EKS's wire format. */
    public record Response(int status, String errorType, byte[] body) {
    }

    private final EksEmulator emulator;

    public EksRestApi(EksEmulator emulator) {
        this.emulator = emulator;
    }

    /** The EKS operation name of a request, or empty for a path EKS does not have. */
    public static Optional<String> operation(String method, String rawPath) {
        List<String> s = segments(rawPath);
        int n = s.size();
        if (n >= 1 && s.get(0).equals("addons") && n == 2 && method.equals("GET")) {
            return switch (s.get(1)) {
                case "supported-versions" -> Optional.of("DescribeAddonVersions");
                case "configuration-schemas" -> Optional.of("DescribeAddonConfiguration");
                default -> Optional.empty();
            };
        }
        if (n == 2 && s.get(0).equals("tags")) {
            return Optional.ofNullable(pick(method, "ListTagsForResource", "TagResource", "UntagResource"));
        }
        if (n == 0 || !s.get(0).equals("clusters")) {
            return Optional.empty();
        }
        if (n == 1) {
            return switch (method) {
                case "GET" -> Optional.of("ListClusters");
                case "POST" -> Optional.of("CreateCluster");
                default -> Optional.empty();
            };
        }
        if (n == 2) {
            return switch (method) {
                case "GET" -> Optional.of("DescribeCluster");
                case "DELETE" -> Optional.of("DeleteCluster");
                default -> Optional.empty();
            };
        }
        String collection = s.get(2);
        String name = switch (collection) {
            case "addons" -> n == 3 ? pick(method, "ListAddons", "CreateAddon", null)
                    : n == 4 ? pick(method, "DescribeAddon", null, "DeleteAddon")
                    : n == 5 && s.get(4).equals("update") && method.equals("POST") ? "UpdateAddon" : null;
            case "pod-identity-associations" -> n == 3 ? pick(method, "ListPodIdentityAssociations", "CreatePodIdentityAssociation", null)
                    : n == 4 ? pick(method, "DescribePodIdentityAssociation", "UpdatePodIdentityAssociation", "DeletePodIdentityAssociation")
                    : null;
            case "access-entries" -> n == 3 ? pick(method, "ListAccessEntries", "CreateAccessEntry", null)
                    : n == 4 ? pick(method, "DescribeAccessEntry", null, "DeleteAccessEntry")
                    : n == 5 && s.get(4).equals("access-policies") ? pick(method, "ListAssociatedAccessPolicies", "AssociateAccessPolicy", null)
                    : null;
            case "node-groups" -> "Nodegroup";
            case "fargate-profiles" -> "FargateProfile";
            case "updates" -> n == 3 ? pick(method, "ListUpdates", null, null)
                    : n == 4 ? pick(method, "DescribeUpdate", null, null) : null;
            default -> null;
        };
        return Optional.ofNullable(name);
    }

    /**
     * True when the emulator (not moto) serves this request: add-on, association, access entry and catalog routes,
     * DescribeUpdate/ListUpdates for an add-on, and tag routes for the emulator's own ARNs.
     */
    public static boolean routesToEmulator(String method, String rawPath, String rawQuery) {
        String op = operation(method, rawPath).orElse(null);
        if (op == null) {
            return false;
        }
        return switch (op) {
            case "ListClusters", "CreateCluster", "DescribeCluster", "DeleteCluster", "Nodegroup", "FargateProfile" -> false;
            case "DescribeUpdate", "ListUpdates" -> query(rawQuery).containsKey("addonName");
            case "ListTagsForResource", "TagResource", "UntagResource" -> EksEmulator.ownsArn(segments(rawPath).get(1));
            default -> true;
        };
    }

    /** Serves a request the emulator owns; EKS errors come back as error responses, never as exceptions. */
    public Response handle(String method, String rawPath, String rawQuery, byte[] body, String region) {
        try {
            if (!routesToEmulator(method, rawPath, rawQuery)) {
                throw EksApiException.notFound("Unknown EKS operation " + method + " " + rawPath);
            }
            String op = operation(method, rawPath).orElseThrow();
            List<String> s = segments(rawPath);
            Map<String, List<String>> q = query(rawQuery);
            JsonNode in = body == null || body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            String cluster = s.size() > 1 ? s.get(1) : null;
            String item = s.size() > 3 ? s.get(3) : null;
            ObjectNode out = switch (op) {
                case "CreateAddon" -> emulator.createAddon(region, cluster, in);
                case "ListAddons" -> emulator.listAddons(region, cluster, integer(q, "maxResults"), first(q, "nextToken"));
                case "DescribeAddon" -> emulator.describeAddon(region, cluster, item);
                case "DeleteAddon" -> emulator.deleteAddon(region, cluster, item, "true".equals(first(q, "preserve")));
                case "UpdateAddon" -> emulator.updateAddon(region, cluster, item, in);
                case "DescribeAddonVersions" -> emulator.describeAddonVersions(first(q, "addonName"), first(q, "kubernetesVersion"),
                        integer(q, "maxResults"), first(q, "nextToken"), q.get("types"), q.get("publishers"), q.get("owners"));
                case "DescribeAddonConfiguration" -> emulator.describeAddonConfiguration(first(q, "addonName"), first(q, "addonVersion"));
                case "CreatePodIdentityAssociation" -> emulator.createPodIdentityAssociation(region, cluster, in);
                case "ListPodIdentityAssociations" -> emulator.listPodIdentityAssociations(region, cluster, first(q, "namespace"),
                        first(q, "serviceAccount"), integer(q, "maxResults"), first(q, "nextToken"));
                case "DescribePodIdentityAssociation" -> emulator.describePodIdentityAssociation(region, cluster, item);
                case "UpdatePodIdentityAssociation" -> emulator.updatePodIdentityAssociation(region, cluster, item, in);
                case "DeletePodIdentityAssociation" -> emulator.deletePodIdentityAssociation(region, cluster, item);
                case "CreateAccessEntry" -> emulator.createAccessEntry(region, cluster, in);
                case "ListAccessEntries" -> emulator.listAccessEntries(region, cluster, first(q, "associatedPolicyArn"),
                        integer(q, "maxResults"), first(q, "nextToken"));
                case "DescribeAccessEntry" -> emulator.describeAccessEntry(region, cluster, item);
                case "DeleteAccessEntry" -> emulator.deleteAccessEntry(region, cluster, item);
                case "AssociateAccessPolicy" -> emulator.associateAccessPolicy(region, cluster, item, in);
                case "ListAssociatedAccessPolicies" -> emulator.listAssociatedAccessPolicies(region, cluster, item,
                        integer(q, "maxResults"), first(q, "nextToken"));
                case "DescribeUpdate" -> emulator.describeUpdate(region, cluster, item, first(q, "addonName"));
                case "ListUpdates" -> emulator.listUpdates(region, cluster, first(q, "addonName"), integer(q, "maxResults"),
                        first(q, "nextToken"));
                case "TagResource" -> emulator.tagResource(s.get(1), in.get("tags"));
                case "UntagResource" -> emulator.untagResource(s.get(1), q.getOrDefault("tagKeys", List.of()));
                case "ListTagsForResource" -> emulator.listTagsForResource(s.get(1));
                default -> throw EksApiException.notFound("Unknown EKS operation " + op);
            };
            return new Response(200, null, JSON.writeValueAsBytes(out));
        } catch (EksApiException e) {
            return error(e.status(), e.type(), e.getMessage());
        } catch (IOException e) {
            return error(400, "InvalidParameterException", "Request body is not valid JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            return error(500, "ServerException", "Emulator failure: " + e);
        }
    }

    public static Response error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("message", message);
        try {
            return new Response(status, type, JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pick(String method, String get, String post, String delete) {
        return switch (method) {
            case "GET" -> get;
            case "POST" -> post;
            case "DELETE" -> delete;
            default -> null;
        };
    }

    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static Integer integer(Map<String, List<String>> query, String key) {
        String value = first(query, key);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw EksApiException.invalidParameter(key + " must be an integer");
        }
    }
}
