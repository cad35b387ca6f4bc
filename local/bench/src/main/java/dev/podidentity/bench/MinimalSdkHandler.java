package dev.podidentity.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The baseline: a handler that only builds one SDK client and makes one call (DescribeCluster); the endpoint is the
 * SDK's own AWS_ENDPOINT_URL, as for the functions. */
public final class MinimalSdkHandler implements RequestStreamHandler {
    private final EksClient eks = EksClient.builder()
            .region(Region.of(System.getenv("AWS_REGION")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        String status = eks.describeCluster(b -> b.name("dev-cluster")).cluster().statusAsString();
        output.write(("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
