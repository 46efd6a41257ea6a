package dev.usageledger.relayapi.config;

import dev.usageledger.common.InvalidSettingException;
import java.time.Duration;

/** Start-up checks of settings; every failure names the property, so a bad setting fails the boot legibly. */
final class Settings {

    private Settings() {}

    static void require(boolean condition, String property, String problem) {
        if (!condition) {
            throw new InvalidSettingException(property, problem);
        }
    }

    static void requirePositive(Duration value, String property) {
        require(value != null, property, "is required");
        require(!value.isNegative() && !value.isZero(), property, "must be positive, was " + value);
    }
}
