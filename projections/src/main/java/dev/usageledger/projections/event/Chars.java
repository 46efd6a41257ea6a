package dev.usageledger.projections.event;

/**
 * The characters a string field may consist of: each rule is one character class, repeated, so it is checked
 * character by character instead of with a regex (regexes and their matchers cost a third of the consumer's
 * decoding and a fifth of its allocation: docs/performance.md, "Consumer CPU and memory").
 */
enum Chars {
    /** {@code [A-Za-z0-9._:-]+} */
    ID("the characters [A-Za-z0-9._:-]") {
        @Override
        boolean allows(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == ':' || c == '-';
        }
    },
    /** {@code [a-z0-9-]+} */
    ACCOUNT_TYPE("the characters [a-z0-9-]") {
        @Override
        boolean allows(char c) {
            return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-';
        }
    },
    /** {@code [a-z0-9_-]+} */
    SERVICE_TIER("the characters [a-z0-9_-]") {
        @Override
        boolean allows(char c) {
            return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
        }
    },
    /** {@code [\\x20-\\x7E]+} */
    PRINTABLE_ASCII("printable ASCII characters") {
        @Override
        boolean allows(char c) {
            return c >= 0x20 && c <= 0x7E;
        }
    };

    private final String description;

    Chars(String description) {
        this.description = description;
    }

    abstract boolean allows(char c);

    /** Whether every character of {@code s} is allowed (true for the empty string). */
    boolean allowsAll(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!allows(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The allowed characters in words, for a violation's message. */
    String description() {
        return description;
    }
}
