package dev.podidentity.autopilot.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.port.RunEvents;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link RunEvents} on the default bus. PutEvents answers 200 with a per-entry error when an entry was refused
 * (throttled, internal failure), so a refused entry is thrown as retryable: the state machine retries the task.
 */
public final class EventBridgeRunEvents implements RunEvents {
    private final Supplier<EventBridgeClient> client;
    private final String busName;

    public EventBridgeRunEvents(Supplier<EventBridgeClient> client, String busName) {
        this.client = Objects.requireNonNull(client, "client");
        this.busName = busName == null || busName.isBlank() ? "default" : busName;
    }

    @Override
    public void put(String detailType, ObjectNode detail) {
        PutEventsResponse response = client.get().putEvents(b -> b.entries(e -> e.eventBusName(busName)
                .source(SOURCE).detailType(detailType).detail(detail.toString())));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            PutEventsResultEntry entry = response.entries().get(0);
            throw new RetryableException("EventBridge refused the \"" + detailType + "\" event: "
                    + entry.errorCode() + ": " + entry.errorMessage());
        }
    }
}
