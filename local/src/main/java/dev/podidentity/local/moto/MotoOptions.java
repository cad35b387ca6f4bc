package dev.podidentity.local.moto;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to start moto.
 *
 * @param python          python executable (name on PATH or absolute path)
 * @param port            port to listen on, 0 for a free one
 * @param internalPort    value of MOTO_PORT: where moto's Step Functions engine sends Lambda and aws-sdk calls
 *                        (the gateway port); 0 means moto's own port
 * @param accountId       MOTO_ACCOUNT_ID: the account every request lands in
 * @param logDir          directory for the server log and the extracted launcher
 * @param startupTimeout  how long to wait for /moto-api/data.json
 * @param extraEnv        more environment for the server process
 */
public record MotoOptions(String python, int port, int internalPort, String accountId, Path logDir,
                          Duration startupTimeout, Map<String, String> extraEnv) {

    public static final String DEFAULT_ACCOUNT = "123456789012";

    public MotoOptions {
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        accountId = accountId == null ? DEFAULT_ACCOUNT : accountId;
        extraEnv = extraEnv == null ? Map.of() : Map.copyOf(extraEnv);
    }

    /** python3 from PATH (or the {@code local.cloud.python} system property), free port, log under target/local-cloud. */
    public static MotoOptions defaults() {
        return new MotoOptions(System.getProperty("local.cloud.python", "python3"), 0, 0, DEFAULT_ACCOUNT,
                Path.of(System.getProperty("local.cloud.logDir", "target/local-cloud")), Duration.ofSeconds(60), Map.of());
    }

    public MotoOptions withPython(String value) {
        return new MotoOptions(value, port, internalPort, accountId, logDir, startupTimeout, extraEnv);
    }

    public MotoOptions withInternalPort(int value) {
        return new MotoOptions(python, port, value, accountId, logDir, startupTimeout, extraEnv);
    }

    public MotoOptions withAccountId(String value) {
        return new MotoOptions(python, port, internalPort, value, logDir, startupTimeout, extraEnv);
    }

    public MotoOptions withLogDir(Path value) {
        return new MotoOptions(python, port, internalPort, accountId, value, startupTimeout, extraEnv);
    }

    public MotoOptions withPort(int value) {
        return new MotoOptions(python, value, internalPort, accountId, logDir, startupTimeout, extraEnv);
    }
}
