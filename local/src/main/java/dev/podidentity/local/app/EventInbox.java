package dev.podidentity.local.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.port.RunEvents;
import dev.podidentity.local.LocalCloud;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * What a team's own EventBridge rule would receive: a rule on the local default bus for every event the application
 * puts ({@code source} = {@link RunEvents#SOURCE}) with an SQS queue as its target, as an operator would wire it.
 * Moto's EventBridge matches the rule and delivers; {@link #drain()} reads what arrived since the last call.
 */
public final class EventInbox {
    static final String RULE = "pod-identity-autopilot-local-inbox";
    static final String QUEUE = "pod-identity-autopilot-local-inbox";

    private final LocalCloud cloud;
    private final String queueUrl;

    EventInbox(LocalCloud cloud) {
        this.cloud = cloud;
        this.queueUrl = cloud.sqs().createQueue(b -> b.queueName(QUEUE)).queueUrl();
        String queueArn = "arn:aws:sqs:" + cloud.region() + ":" + cloud.accountId() + ":" + QUEUE;
        cloud.eventBridge().putRule(b -> b.name(RULE).eventPattern("{\"source\":[\"" + RunEvents.SOURCE + "\"]}"));
        cloud.eventBridge().putTargets(b -> b.rule(RULE).targets(t -> t.id("inbox").arn(queueArn)));
        drain();
    }

    /** Every event delivered since the last drain, oldest first (moto's queue keeps the order of one producer). */
    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            List<Message> batch = cloud.sqs().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return out;
            }
            for (Message m : batch) {
                try {
                    out.add(ProjectFiles.JSON.readTree(m.body()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("the inbox got a message that is not JSON: " + m.body(), e);
                }
                cloud.sqs().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }
}
