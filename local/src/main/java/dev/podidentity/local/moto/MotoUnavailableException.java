package dev.podidentity.local.moto;

/** moto cannot run here: no python executable, no moto package, or a server that never became ready. */
public final class MotoUnavailableException extends RuntimeException {
    static final String INSTALL_HINT = "install it with: pip install 'moto[server]'";

    private final boolean portInUse;

    public MotoUnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.portInUse = false;
    }

    public MotoUnavailableException(String message) {
        this(message, false);
    }

    MotoUnavailableException(String message, boolean portInUse) {
        super(message);
        this.portInUse = portInUse;
    }

    /** moto could not bind its port (another process took it between our probe and its start); a retry may work. */
    public boolean portInUse() {
        return portInUse;
    }
}
