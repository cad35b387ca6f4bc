package dev.podidentity.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The authorizations the gateway derives from real request shapes (query, REST-JSON and JSON protocols). */
class CallContextsTest {
    static final String ACCOUNT = "111122223333";
    static final CallContexts CONTEXTS = new CallContexts(ACCOUNT, "aws", new CallContexts.Lookups() {
        @Override
        public Optional<CallContexts.RoleView> role(String roleName) {
            return roleName.equals("owned") ? Optional.of(new CallContexts.RoleView(
                    "arn:aws:iam::" + ACCOUNT + ":role/pod-identity-autopilot/owned",
                    Map.of("pod-identity-autopilot/managed-by", "pod-identity-autopilot"),
                    "arn:aws:iam::" + ACCOUNT + ":policy/boundary")) : Optional.empty();
        }

        @Override
        public Optional<CallContexts.ResourceView> addon(String region, String cluster, String addon) {
            return Optional.of(new CallContexts.ResourceView("arn:aws:eks:" + region + ":" + ACCOUNT + ":addon/" + cluster
                    + "/" + addon + "/uuid-1", Map.of(), List.of("arn:aws:eks:" + region + ":" + ACCOUNT
                    + ":podidentityassociation/" + cluster + "/a-owned")));
        }

        @Override
        public Optional<CallContexts.ResourceView> association(String region, String cluster, String id) {
            return Optional.empty();
        }
    });

    static HttpCall form(String service, String operation, String body) {
        return new HttpCall(service, operation, "us-west-2", "POST", "/", null, "application/x-www-form-urlencoded; charset=utf-8",
                body.getBytes(StandardCharsets.UTF_8));
    }

    static HttpCall rest(String service, String operation, String method, String path, String query, String json) {
        return new HttpCall(service, operation, "us-west-2", method, path, query, "application/json",
                json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void createRole_isAuthorizedOnTheRoleUnderItsPath_withTagsAndBoundaryFromTheRequest() {
        List<RequestContext> c = CONTEXTS.of(form("iam", "CreateRole", "Action=CreateRole&RoleName=app&Path=%2Fpod-identity-autopilot%2F"
                + "&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fboundary"
                + "&Tags.member.1.Key=pod-identity-autopilot%2Fmanaged-by&Tags.member.1.Value=pod-identity-autopilot"
                + "&Tags.member.2.Key=team&Tags.member.2.Value=orders"));
        assertEquals(1, c.size());
        assertEquals("iam:CreateRole", c.get(0).action());
        assertEquals("arn:aws:iam::111122223333:role/pod-identity-autopilot/app", c.get(0).resource());
        assertEquals(Optional.of(List.of("pod-identity-autopilot")), c.get(0).values("aws:RequestTag/pod-identity-autopilot/managed-by"));
        assertEquals(Optional.of(List.of("pod-identity-autopilot/managed-by", "team")), c.get(0).values("aws:TagKeys"));
        assertEquals(Optional.of(List.of("arn:aws:iam::111122223333:policy/boundary")), c.get(0).values("iam:PermissionsBoundary"));
    }

    @Test
    void roleCalls_useTheExistingRolesPathTagsAndBoundary() {
        RequestContext c = CONTEXTS.of(form("iam", "AttachRolePolicy",
                "Action=AttachRolePolicy&RoleName=owned&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess")).get(0);
        assertEquals("arn:aws:iam::111122223333:role/pod-identity-autopilot/owned", c.resource());
        assertEquals(Optional.of(List.of("pod-identity-autopilot")), c.values("aws:ResourceTag/pod-identity-autopilot/managed-by"));
        assertEquals(Optional.of(List.of("arn:aws:iam::aws:policy/AdministratorAccess")), c.values("iam:PolicyARN"));
        assertEquals(Optional.of(List.of("arn:aws:iam::111122223333:policy/boundary")), c.values("iam:PermissionsBoundary"));
        RequestContext unknown = CONTEXTS.of(form("iam", "GetRole", "Action=GetRole&RoleName=elsewhere")).get(0);
        assertEquals("arn:aws:iam::111122223333:role/elsewhere", unknown.resource());
        assertEquals(Optional.empty(), unknown.values("iam:PermissionsBoundary"));
    }

    @Test
    void listCalls_withoutResourceLevelPermissions_areOnStar_stsIdentityNeedsNothing() {
        assertEquals("*", CONTEXTS.of(form("iam", "ListOpenIDConnectProviders", "Action=ListOpenIDConnectProviders")).get(0).resource());
        assertEquals("*", CONTEXTS.of(rest("eks", "ListClusters", "GET", "/clusters", null, null)).get(0).resource());
        assertEquals("*", CONTEXTS.of(rest("eks", "DescribeAddonVersions", "GET", "/addons/supported-versions", "addonName=x", null)).get(0).resource());
        assertEquals(List.of(), CONTEXTS.of(form("sts", "GetCallerIdentity", "Action=GetCallerIdentity")));
    }

    @Test
    void s3_objectAndListingCalls() {
        assertEquals(RequestContext.of("s3:GetObjectVersion", "arn:aws:s3:::cfg/clusters/dev.yaml"),
                CONTEXTS.of(rest("s3", "GetObject", "GET", "/cfg/clusters/dev.yaml", "versionId=v1", null)).get(0));
        assertEquals(RequestContext.of("s3:PutObject", "arn:aws:s3:::cfg/runs/dev/e1/plan.json"),
                CONTEXTS.of(rest("s3", "PutObject", "PUT", "/cfg/runs/dev/e1/plan.json", null, "{}")).get(0));
        RequestContext list = CONTEXTS.of(rest("s3", "ListObjectsV2", "GET", "/cfg", "list-type=2&prefix=runs%2Fdev%2F", null)).get(0);
        assertEquals("s3:ListBucket", list.action());
        assertEquals("arn:aws:s3:::cfg", list.resource());
        assertEquals(Optional.of(List.of("runs/dev/")), list.values("s3:prefix"));
    }

    @Test
    void createAssociation_isOnTheCluster_andPassesItsRoleToPodIdentity_andTagsTheNewAssociation() {
        List<RequestContext> c = CONTEXTS.of(rest("eks", "CreatePodIdentityAssociation", "POST", "/clusters/dev/pod-identity-associations", null,
                "{\"namespace\":\"ns\",\"serviceAccount\":\"sa\",\"roleArn\":\"arn:aws:iam::111122223333:role/pod-identity-autopilot/app\","
                        + "\"tags\":{\"pod-identity-autopilot/managed-by\":\"pod-identity-autopilot\"}}"));
        assertEquals(List.of("eks:CreatePodIdentityAssociation", "iam:PassRole", "eks:TagResource"), c.stream().map(RequestContext::action).toList());
        assertEquals("arn:aws:eks:us-west-2:111122223333:cluster/dev", c.get(0).resource());
        assertEquals(Optional.of(List.of("pods.eks.amazonaws.com")), c.get(1).values("iam:PassedToService"));
        assertEquals("arn:aws:iam::111122223333:role/pod-identity-autopilot/app", c.get(1).resource());
        assertEquals("arn:aws:eks:us-west-2:111122223333:podidentityassociation/dev/" + CallContexts.NEW, c.get(2).resource());
    }

    @Test
    void passRole_carriesThePassedRolesTags_asItsResourceTags() {
        List<RequestContext> c = CONTEXTS.of(rest("eks", "CreatePodIdentityAssociation", "POST", "/clusters/dev/pod-identity-associations", null,
                "{\"namespace\":\"ns\",\"serviceAccount\":\"sa\",\"roleArn\":\"arn:aws:iam::111122223333:role/pod-identity-autopilot/owned\"}"));
        RequestContext pass = c.get(1);
        assertEquals("iam:PassRole", pass.action());
        assertEquals(Optional.of(List.of("pod-identity-autopilot")), pass.values("aws:ResourceTag/pod-identity-autopilot/managed-by"));
        List<RequestContext> unknown = CONTEXTS.of(rest("eks", "CreatePodIdentityAssociation", "POST", "/clusters/dev/pod-identity-associations", null,
                "{\"namespace\":\"ns\",\"serviceAccount\":\"sa\",\"roleArn\":\"arn:aws:iam::111122223333:role/other\"}"));
        assertEquals(Optional.empty(), unknown.get(1).values("aws:ResourceTag/pod-identity-autopilot/managed-by"));
    }

    @Test
    void addonCallsWithPodIdentities_actOnAssociationsToo() {
        List<RequestContext> create = CONTEXTS.of(rest("eks", "CreateAddon", "POST", "/clusters/dev/addons", null,
                "{\"addonName\":\"vpc-cni\",\"podIdentityAssociations\":[{\"serviceAccount\":\"aws-node\",\"roleArn\":\"arn:aws:iam::111122223333:role/r\"}]}"));
        assertEquals(List.of("eks:CreateAddon cluster/dev", "eks:CreateAddon podidentityassociation/dev/" + CallContexts.NEW, "iam:PassRole role/r"),
                create.stream().map(r -> r.action() + " " + r.resource().substring(r.resource().lastIndexOf(':') + 1)).toList());
        List<RequestContext> delete = CONTEXTS.of(rest("eks", "DeleteAddon", "DELETE", "/clusters/dev/addons/vpc-cni", null, null));
        assertEquals(List.of("addon/dev/vpc-cni/uuid-1", "podidentityassociation/dev/a-owned"),
                delete.stream().map(r -> r.resource().substring(r.resource().lastIndexOf(':') + 1)).toList());
        List<RequestContext> preserve = CONTEXTS.of(rest("eks", "DeleteAddon", "DELETE", "/clusters/dev/addons/vpc-cni", "preserve=true", null));
        assertEquals(1, preserve.size());
    }

    @Test
    void jsonProtocolCalls_nameTheirResourcesFromTheBody() {
        assertEquals(RequestContext.of("dynamodb:PutItem", "arn:aws:dynamodb:us-west-2:111122223333:table/locks"),
                CONTEXTS.of(rest("dynamodb", "PutItem", "POST", "/", null, "{\"TableName\":\"locks\",\"Item\":{}}")).get(0));
        assertEquals(RequestContext.of("states:StartExecution", "arn:aws:states:us-west-2:111122223333:stateMachine:sm"),
                CONTEXTS.of(rest("states", "StartExecution", "POST", "/", null, "{\"stateMachineArn\":\"arn:aws:states:us-west-2:111122223333:stateMachine:sm\",\"name\":\"n\"}")).get(0));
        RequestContext put = CONTEXTS.of(rest("events", "PutEvents", "POST", "/", null,
                "{\"Entries\":[{\"Source\":\"pod-identity-autopilot\",\"DetailType\":\"Run Finished\",\"Detail\":\"{}\"}]}")).get(0);
        assertEquals("arn:aws:events:us-west-2:111122223333:event-bus/default", put.resource());
        assertEquals(Optional.of(List.of("Run Finished")), put.values("events:detail-type"));
    }
}
