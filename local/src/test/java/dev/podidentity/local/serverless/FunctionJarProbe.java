package dev.podidentity.local.serverless;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.Priming;

/**
 * Runs in a fresh JVM on one function's deployment jar (FunctionJarsTest): constructs the handler as Lambda's init
 * does, then runs the SnapStart priming it registered (every SDK client it uses, one request each, and its own code
 * path for a request of its kind; nothing sent). A class missing from the jar ends it with the error. Then, as
 * in an invocation with active tracing, one call of a client the jar holds goes out (to an endpoint that refuses
 * it): its X-Ray subsegment must reach the daemon's address, which FunctionJarsTest listens on.
 */
public final class FunctionJarProbe {
    private FunctionJarProbe() {
    }

    public static void main(String[] args) throws Exception {
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getConstructor().newInstance();
        Priming.run();
        System.out.println("PRIMED " + handler.getClass().getName());
        AwsClients clients = AwsClients.fromEnvironment();
        try {
            if (present("software.amazon.awssdk.services.eks.EksClient")) {
                clients.eks().describeCluster(r -> r.name("probe"));
            } else if (present("software.amazon.awssdk.services.s3.S3Client")) {
                clients.s3().headObject(r -> r.bucket("probe").key("probe"));
            } else if (present("software.amazon.awssdk.services.sfn.SfnClient")) {
                clients.sfn().describeExecution(r -> r.executionArn("arn:aws:states:us-east-1:111122223333:execution:p:p"));
            } else {
                clients.dynamoDb().describeTable(r -> r.tableName("probe"));
            }
        } catch (RuntimeException refused) {
            System.out.println("CALLED " + refused.getClass().getSimpleName());
        }
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, FunctionJarProbe.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }
}
