package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The architecture's rule: only the {@code aws} package may use AWS SDK types; ports and executors stay pure. */
class DomainHasNoSdkTypesTest {

    @Test
    @DisplayName("No source outside dev.podidentity.autopilot.aws mentions software.amazon.awssdk")
    void sources_whenOutsideAwsPackage_haveNoSdkTypes() throws IOException {
        Path root = Path.of("src/main/java/dev/podidentity/autopilot");
        try (Stream<Path> files = Files.walk(root)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !root.relativize(p).startsWith("aws"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("software.amazon.awssdk");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(p -> root.relativize(p).toString()).sorted().toList();
            assertEquals(List.of(), offenders);
        }
    }
}
