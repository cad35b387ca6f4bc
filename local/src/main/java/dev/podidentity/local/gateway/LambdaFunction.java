package dev.podidentity.local.gateway;

/** An in-process Lambda function: JSON payload in, JSON result out. A thrown exception is a function error. */
@FunctionalInterface
public interface LambdaFunction {
    String apply(String payload) throws Exception;
}
