package dev.podidentity.autopilot.aws;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;

/**
 * The clients' HTTP client: the real one, except for a priming call that brought its own answer
 * ({@link Priming#answered}). That request is answered here, never sent, so the SDK goes on to parse a response
 * (its XML or JSON reader, the response's model classes) the way it will for the first real one. Any other request
 * made while priming never gets here ({@link Priming#STOP_BEFORE_SENDING}); if one did, it is refused, not sent.
 */
final class AnsweringHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate;

    AnsweringHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (!Priming.active()) {
            return delegate.prepareRequest(request);
        }
        Priming.Answer answer = Priming.answer();
        if (answer == null) {
            throw new Priming.NotSent();
        }
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(200)
                                .putHeader("Content-Type", answer.contentType())
                                .putHeader("Content-Length", Integer.toString(answer.body().length))
                                .putHeader("x-amzn-RequestId", "priming")
                                .build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer.body())))
                        .build();
            }

            @Override
            public void abort() {
                // answered at once: nothing in flight
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
