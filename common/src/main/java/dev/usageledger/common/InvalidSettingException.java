package dev.usageledger.common;

/** A configuration property holds a value the service cannot run with; the message starts with the property name. */
public final class InvalidSettingException extends IllegalArgumentException {

    private final String property;

    public InvalidSettingException(String property, String problem) {
        super(property + " " + problem);
        this.property = property;
    }

    public String property() {
        return property;
    }
}
