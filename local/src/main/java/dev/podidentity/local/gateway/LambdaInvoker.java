package dev.podidentity.local.gateway;

/**
 * What the gateway calls for Lambda Invoke ({@code POST /2015-03-31/functions/{name}/invocations}). The name is
 * the bare function name (ARNs and qualifiers are stripped by the gateway).
 */
public interface LambdaInvoker {
    /**
     * Runs the function and returns its JSON result.
     *
     * @throws FunctionNotFoundException when no function has that name (Lambda answers 404 ResourceNotFoundException)
     * @throws Exception                 anything else the function throws; Lambda reports it as an Unhandled function error
     */
    String invoke(String functionName, String payload) throws Exception;

    /** Thrown by an invoker that has no function of the requested name. */
    final class FunctionNotFoundException extends RuntimeException {
        public FunctionNotFoundException(String functionName) {
            super("Function not found: " + functionName);
        }
    }
}
