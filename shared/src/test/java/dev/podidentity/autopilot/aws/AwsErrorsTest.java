package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.NotOwnedException;
import dev.podidentity.autopilot.error.RetryableException;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.iam.model.IamException;

/** The error table of {@link AwsErrors}, row by row, with the codes and statuses IAM and EKS really send. */
class AwsErrorsTest {

    private static SdkException iam(int status, String code) {
        return IamException.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("iam says " + code).build()).build();
    }

    private static SdkException eks(int status, String code, String message) {
        return EksException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @ParameterizedTest(name = "IAM {1} (HTTP {0}) → {2}")
    @CsvSource({
            "400, Throttling, RetryableException",
            "500, ServiceFailure, RetryableException",
            "409, ConcurrentModification, RetryableException",
            "404, NoSuchEntity, NotFoundException",
            "409, EntityAlreadyExists, ConflictException",
            "409, DeleteConflict, ConflictException",
            "400, UnmodifiableEntity, NotOwnedException",
            "400, MalformedPolicyDocument, InvalidInputException",
            "409, LimitExceeded, InvalidInputException",
            "400, InvalidInput, InvalidInputException",
    })
    void map_whenIamError_givesTypedError(int status, String code, String expected) {
        RuntimeException mapped = AwsErrors.map(iam(status, code), "CreateRole \"r\"");
        assertEquals(expected, mapped.getClass().getSimpleName());
        assertTrue(mapped.getMessage().startsWith("CreateRole \"r\": " + code + " (HTTP " + status + "): iam says " + code),
                mapped.getMessage());
    }

    @ParameterizedTest(name = "EKS {1} (HTTP {0}) \"{2}\" → {3}")
    @CsvSource(delimiter = '|', value = {
            "429 | ThrottlingException | Rate exceeded | RetryableException",
            "500 | ServerException | internal | RetryableException",
            "503 | ServiceUnavailableException | unavailable | RetryableException",
            "400 | InvalidParameterException | Role provided in the request does not exist | RetryableException",
            "400 | InvalidRequestException | Cluster 'c' is not in ACTIVE status | RetryableException",
            "404 | ResourceNotFoundException | No cluster found for name: c. | NotFoundException",
            "409 | ResourceInUseException | Association already exists: a-abcdefghij0123456 | ConflictException",
            "400 | InvalidParameterException | The parameter associationId should be 19 characters long. | InvalidInputException",
            "400 | ResourceLimitExceededException | limit of 5000 exceeded | InvalidInputException",
            "403 | AccessDeniedException | Cross-account pass role is not allowed. | InvalidInputException",
    })
    void map_whenEksError_givesTypedError(int status, String code, String message, String expected) {
        assertEquals(expected, AwsErrors.map(eks(status, code, message), "CreatePodIdentityAssociation").getClass()
                .getSimpleName());
    }

    @Test
    @DisplayName("I/O failure or timeout (SdkClientException) after the SDK's retries: RetryableException keeping the cause")
    void map_whenClientSideFailure_givesRetryable() {
        SdkClientException io = SdkClientException.create("Unable to execute HTTP request", new IOException("reset"));
        RuntimeException mapped = AwsErrors.map(io, "GetRole \"r\"");
        assertInstanceOf(RetryableException.class, mapped);
        assertSame(io, mapped.getCause());
    }

    @Test
    @DisplayName("An error the table does not know escapes unchanged: its own class reaches the state machine")
    void map_whenUnknownCode_returnsSdkExceptionItself() {
        SdkException unknown = eks(400, "SomethingNewException", "new");
        assertSame(unknown, AwsErrors.map(unknown, "x"));
    }

    @Test
    @DisplayName("Typed errors are the error package's classes (their names are the ASL's ErrorEquals)")
    void map_whenMapped_usesErrorPackageClasses() {
        assertInstanceOf(NotFoundException.class, AwsErrors.map(iam(404, "NoSuchEntity"), "x"));
        assertInstanceOf(ConflictException.class, AwsErrors.map(iam(409, "EntityAlreadyExists"), "x"));
        assertInstanceOf(NotOwnedException.class, AwsErrors.map(iam(400, "UnmodifiableEntity"), "x"));
        assertInstanceOf(InvalidInputException.class, AwsErrors.map(iam(400, "MalformedPolicyDocument"), "x"));
    }
}
