package dev.usageledger.common;

import java.time.Duration;

/**
 * Start-up checks of settings, shared by every app's settings records: a failed check throws an
 * {@link InvalidSettingException} whose message is the full property name followed by the problem, so a bad setting
 * fails the boot legibly and every app words it the same way.
 */
public final class Settings {

    private Settings() {}

    /** Fails naming {@code property} with {@code problem} unless {@code condition} holds. */
    public static void require(boolean condition, String property, String problem) {
        if (!condition) {
            throw new InvalidSettingException(property, problem);
        }
    }

    /** Fails naming {@code property} unless {@code value} is present and longer than zero. */
    public static void requirePositive(Duration value, String property) {
        require(value != null, property, "is required");
        require(!value.isNegative() && !value.isZero(), property, "must be positive, was " + value);
    }
}
