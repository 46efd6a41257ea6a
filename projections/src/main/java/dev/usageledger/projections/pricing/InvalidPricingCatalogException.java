package dev.usageledger.projections.pricing;

/** A pricing catalog that cannot be read or does not have the LiteLLM shape; the message names the source and entry. */
public final class InvalidPricingCatalogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidPricingCatalogException(String message) {
        super(message);
    }

    public InvalidPricingCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
