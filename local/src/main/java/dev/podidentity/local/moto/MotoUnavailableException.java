package dev.podidentity.local.moto;

/** moto cannot run here: no python executable, no moto package, or a server that never became ready. */
public final class MotoUnavailableException extends RuntimeException {
    static final String INSTALL_HINT = "install it with: pip install 'moto[server]'";

    public MotoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public MotoUnavailableException(String message) {
        super(message);
    }
}
