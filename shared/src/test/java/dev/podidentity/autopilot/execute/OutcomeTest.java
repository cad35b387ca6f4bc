package dev.podidentity.autopilot.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podidentity.autopilot.plan.PlanJson;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    @DisplayName("An Outcome is what a handler returns to Step Functions: JSON with stepId, result, reason, resource, and back")
    void json_whenWrittenAndRead_roundTrips() throws Exception {
        ObjectMapper json = PlanJson.mapper();
        Outcome outcome = Outcome.of("associate/shop/cart", Outcome.Result.CREATED, "role \"r\" created; association "
                + "a-abcdefghij0123456 created", "arn:aws:eks:us-west-2:111122223333:podidentityassociation/c/a-abcdefghij0123456");

        String text = json.writeValueAsString(outcome);

        assertEquals("{\"stepId\":\"associate/shop/cart\",\"result\":\"CREATED\",\"reason\":\"role \\\"r\\\" created; "
                + "association a-abcdefghij0123456 created\",\"resource\":\"arn:aws:eks:us-west-2:111122223333:"
                + "podidentityassociation/c/a-abcdefghij0123456\"}", text);
        assertEquals(outcome, json.readValue(text, Outcome.class));
    }
}
