package dev.podidentity.autopilot.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonHandlerTest {
    record In(Action action, String cluster) {
    }

    record Out(String said) {
    }

    static final class Echo extends JsonHandler<In, Out> {
        Echo() {
            super(In.class);
        }

        @Override
        protected Out handle(In request, Context context) {
            if (request.cluster() == null) {
                throw new NotFoundException("no cluster");
            }
            return new Out(request.action().wireName() + " " + request.cluster());
        }
    }

    private static String invoke(String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Echo().handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void handleRequest_whenInputIsValid_readsRecordsAndWireNames() {
        assertEquals("{\"said\":\"create-addon c1\"}", invoke("{\"action\":\"create-addon\",\"cluster\":\"c1\",\"extra\":1}"));
    }

    @Test
    void handleRequest_whenInputIsNotJson_throwsInvalidInput() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> invoke("{not json"));
        assertTrue(e.getMessage().startsWith("the Echo input is not a valid In:"), e.getMessage());
    }

    @Test
    void handleRequest_whenActionIsUnknown_namesTheChoices() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> invoke("{\"action\":\"destroy\"}"));
        assertTrue(e.getMessage().contains("unknown action \"destroy\""), e.getMessage());
    }

    @Test
    void handleRequest_whenServiceThrowsTypedError_letsItEscapeUnchanged() {
        assertThrows(NotFoundException.class, () -> invoke("{\"action\":\"apply\"}"));
    }
}
