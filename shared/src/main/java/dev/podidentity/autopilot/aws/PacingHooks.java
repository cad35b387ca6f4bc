package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.execute.WritePacing;

import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Where {@link WritePacing} meets the SDK (sync clients: a call and its retries run on the caller's thread): an
 * interceptor that waits for each attempt's slot and reports each success, and a retry strategy that reports each
 * throttled attempt, then retries as the strategy it wraps does.
 */
public final class PacingHooks {
    private static final ThreadLocal<String[]> CALL = new ThreadLocal<>();

    private PacingHooks() {
    }

    /** Paces each attempt and reports successes; add it to every IAM and EKS client. */
    public static ExecutionInterceptor interceptor() {
        return new Interceptor();
    }

    /** {@code retries}, telling the current pacing of every throttled attempt. */
    public static RetryStrategy retries(RetryStrategy retries) {
        return new Retries(retries);
    }

    private static final class Interceptor implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            CALL.set(new String[] {WritePacing.service(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)),
                    attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)});
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            String[] call = CALL.get();
            if (call == null) {
                return;
            }
            try {
                WritePacing.current().beforeAttempt(call[0], call[1]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SdkException.create("interrupted while waiting for a write slot", e);
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            String[] call = CALL.get();
            if (call != null) {
                WritePacing.current().succeeded(call[0], call[1]);
            }
            CALL.remove();
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            CALL.remove(); // a throttled last attempt was reported to the retry strategy like the others
        }
    }

    static boolean isThrottling(Throwable failure) {
        return failure instanceof AwsServiceException e && e.isThrottlingException();
    }

    private record Retries(RetryStrategy delegate) implements RetryStrategy {
        @Override
        public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
            return delegate.acquireInitialToken(request);
        }

        @Override
        public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
            String[] call = CALL.get();
            if (call != null && isThrottling(request.failure())) {
                WritePacing.current().throttled(call[0], call[1]);
            }
            return delegate.refreshRetryToken(request);
        }

        @Override
        public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
            return delegate.recordSuccess(request);
        }

        @Override
        public int maxAttempts() {
            return delegate.maxAttempts();
        }

        @Override
        public boolean useClientDefaults() {
            return false;
        }

        @Override
        public Builder<?, ?> toBuilder() {
            return new WrappingBuilder(delegate.toBuilder());
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** The wrapped strategy's builder; what it builds is wrapped again. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private record WrappingBuilder(RetryStrategy.Builder inner) implements RetryStrategy.Builder<WrappingBuilder, RetryStrategy> {
        @Override
        public WrappingBuilder retryOnException(Predicate<Throwable> shouldRetry) {
            inner.retryOnException(shouldRetry);
            return this;
        }

        @Override
        public WrappingBuilder maxAttempts(int maxAttempts) {
            inner.maxAttempts(maxAttempts);
            return this;
        }

        @Override
        public WrappingBuilder backoffStrategy(BackoffStrategy backoffStrategy) {
            inner.backoffStrategy(backoffStrategy);
            return this;
        }

        @Override
        public WrappingBuilder throttlingBackoffStrategy(BackoffStrategy backoffStrategy) {
            inner.throttlingBackoffStrategy(backoffStrategy);
            return this;
        }

        @Override
        public WrappingBuilder treatAsThrottling(Predicate<Throwable> treatAsThrottling) {
            inner.treatAsThrottling(treatAsThrottling);
            return this;
        }

        @Override
        public RetryStrategy build() {
            return retries((RetryStrategy) inner.build());
        }
    }
}
