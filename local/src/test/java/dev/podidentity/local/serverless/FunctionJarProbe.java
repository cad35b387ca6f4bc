package dev.podidentity.local.serverless;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.podidentity.autopilot.aws.Priming;

/**
 * Runs in a fresh JVM on one function's deployment jar (FunctionJarsTest): constructs the handler as Lambda's init
 * does, then runs the SnapStart priming it registered (every SDK client it uses, one request each, and its own code
 * path for a request of its kind; nothing sent). A class missing from the jar ends it with the error.
 */
public final class FunctionJarProbe {
    private FunctionJarProbe() {
    }

    public static void main(String[] args) throws Exception {
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getConstructor().newInstance();
        Priming.run();
        System.out.println("PRIMED " + handler.getClass().getName());
    }
}
