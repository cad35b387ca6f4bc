package dev.podidentity.local.gateway;

import dev.podidentity.local.iam.HttpCall;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the local cloud itself reads of a role (the IAM authorizer's resource tags, the EKS emulator's "does the role
 * exist, since when"), kept between calls until a call that can change it.
 *
 * <p>Why: every AttachRolePolicy and CreatePodIdentityAssociation made the local cloud ask moto for the role again,
 * so a run of 100 associations put about 200 extra requests on moto's one Python thread, queued behind the calls
 * being served (and measured). AWS has no such extra load: authorizing a call and checking a passed role are part of
 * its answer. A role's view is the few fields those checks read (ARN, creation time, tags, permissions boundary), so
 * nothing else of the role can go stale here.
 *
 * <p>When a view changes: CreateRole's own answer carries the new role as GetRole would give it, and becomes its view;
 * any other IAM call through the gateway that may change a view (anything that is not a read, except the calls known
 * to leave these fields alone: policies, trust, description) drops the view of the role it names, or every view when
 * it names none. Both happen once moto has served the call, before its answer is sent. A write sent to moto directly
 * (the world's seeding) or a reset drops them all. A client that talks to moto's own port bypasses all of this.
 */
public final class RoleViews {
    /** The fields of a role the local cloud's own checks read. */
    public record View(String arn, Instant created, Map<String, String> tags, String permissionsBoundaryArn) {
        public View {
            tags = Map.copyOf(tags);
        }
    }

    /** IAM writes that name a role but change none of a {@link View}'s fields. */
    private static final Set<String> LEAVE_VIEW = Set.of("AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy",
            "DeleteRolePolicy", "UpdateAssumeRolePolicy", "UpdateRole", "UpdateRoleDescription",
            "AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile");
    private static final DocumentBuilderFactory XML = xml();

    private final KeptReads<View> kept = new KeptReads<>();

    /** The role's view, read with {@code load} unless a view read since the last change is kept. */
    public Optional<View> get(String roleName, Function<String, Optional<View>> load) {
        return kept.get(roleName, load);
    }

    /** An IAM call was served by moto ({@code status} -1: no answer came back): keeps what it changed up to date. */
    void served(HttpCall call, int status, byte[] answer) {
        String operation = call.operation();
        if (CallCounter.isRead(operation) || LEAVE_VIEW.contains(operation)) {
            return;
        }
        String roleName = call.form().get("RoleName");
        if (roleName == null) {
            kept.clear();
            return;
        }
        Optional<View> created = operation.equals("CreateRole") && status == 200 ? createdRole(answer)
                : Optional.empty();
        if (created.isPresent()) {
            kept.put(roleName, created);
        } else {
            kept.drop(roleName);
        }
    }

    /** Drops every view (a reset, or a write that did not come through the gateway). */
    public void clear() {
        kept.clear();
    }

    /** The role in CreateRole's answer (the same Role element GetRole answers with), if it can be read whole. */
    static Optional<View> createdRole(byte[] answer) {
        try {
            javax.xml.parsers.DocumentBuilder parser;
            synchronized (XML) {
                parser = XML.newDocumentBuilder();
            }
            Element role = (Element) parser.parse(new ByteArrayInputStream(answer))
                    .getElementsByTagName("Role").item(0);
            if (role == null) {
                return Optional.empty();
            }
            String arn = text(role, "Arn");
            String created = text(role, "CreateDate");
            if (arn == null || created == null) {
                return Optional.empty();
            }
            Map<String, String> tags = new LinkedHashMap<>();
            NodeList tagLists = role.getElementsByTagName("Tags");
            if (tagLists.getLength() > 0) {
                NodeList members = ((Element) tagLists.item(0)).getElementsByTagName("member");
                for (int i = 0; i < members.getLength(); i++) {
                    Element member = (Element) members.item(i);
                    tags.put(text(member, "Key"), text(member, "Value"));
                }
            }
            return Optional.of(new View(arn, instant(created), tags, text(role, "PermissionsBoundaryArn")));
        } catch (Exception unreadable) {
            return Optional.empty(); // the view is dropped instead, and the next check reads the role
        }
    }

    /** IAM's ISO 8601 timestamps, with or without an offset (moto writes them either way across versions). */
    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException noOffset) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
    }

    private static DocumentBuilderFactory xml() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        return factory;
    }

    private static String text(Element parent, String tag) {
        NodeList found = parent.getElementsByTagName(tag);
        return found.getLength() == 0 ? null : found.item(0).getTextContent();
    }
}
