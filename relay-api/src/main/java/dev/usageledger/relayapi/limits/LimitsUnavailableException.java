package dev.usageledger.relayapi.limits;

/** Redis or MySQL could not answer, so the limiter cannot decide; the failure policy says what to answer. */
public final class LimitsUnavailableException extends RuntimeException {

    private final String dependency;

    public LimitsUnavailableException(String dependency, Throwable cause) {
        super(dependency + " is unavailable: " + cause.getMessage(), cause);
        this.dependency = dependency;
    }

    /** {@code redis} or {@code mysql}. */
    public String dependency() {
        return dependency;
    }
}
