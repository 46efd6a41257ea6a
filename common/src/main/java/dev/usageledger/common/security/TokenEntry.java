package dev.usageledger.common.security;

/** One configured {@code name:token}; {@link #toString()} never shows the token. */
public record TokenEntry(String name, String token) {

    @Override
    public String toString() {
        return "TokenEntry[" + name + "]";
    }
}
