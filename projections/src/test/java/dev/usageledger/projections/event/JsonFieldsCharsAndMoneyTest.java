package dev.usageledger.projections.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The character rules and the decimal-string reader make exactly the accept/reject decisions of the regexes they
 * replaced (kept here as the reference), and read the value {@code new BigDecimal(s).setScale(10)} does.
 */
class JsonFieldsCharsAndMoneyTest {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]+");
    private static final Pattern ACCOUNT_TYPE = Pattern.compile("[a-z0-9-]+");
    private static final Pattern SERVICE_TIER = Pattern.compile("[a-z0-9_-]+");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7E]+");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,16}(\\.\\d{1,10})?");

    /** Every class's edges and neighbours, non-ASCII digits and letters, surrogates, controls. */
    private static final String ADVERSARIAL = "azAZ09._:-+/@`[{~ \t\n\u0000\u001f\u007f\u0080\u00e9\u0660\uff10"
            + "\u212a\u0131\ud83d\ude00\ud800\u0130\u017f,eE";

    @Test
    void everyCharacterIsJudgedAsTheRegexJudgesIt() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String s = String.valueOf((char) c);
            assertThat(Chars.ID.allowsAll(s)).as("ID %04x", c).isEqualTo(ID.matcher(s).matches());
            assertThat(Chars.ACCOUNT_TYPE.allowsAll(s)).as("ACCOUNT_TYPE %04x", c)
                    .isEqualTo(ACCOUNT_TYPE.matcher(s).matches());
            assertThat(Chars.SERVICE_TIER.allowsAll(s)).as("SERVICE_TIER %04x", c)
                    .isEqualTo(SERVICE_TIER.matcher(s).matches());
            assertThat(Chars.PRINTABLE_ASCII.allowsAll(s)).as("PRINTABLE_ASCII %04x", c)
                    .isEqualTo(PRINTABLE_ASCII.matcher(s).matches());
        }
    }

    @Test
    void agreesWithTheRegexesOnRandomAndAdversarialStrings() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            String s = randomString(random, ADVERSARIAL, 1 + random.nextInt(40));
            assertThat(Chars.ID.allowsAll(s)).as(s).isEqualTo(ID.matcher(s).matches());
            assertThat(Chars.ACCOUNT_TYPE.allowsAll(s)).as(s).isEqualTo(ACCOUNT_TYPE.matcher(s).matches());
            assertThat(Chars.SERVICE_TIER.allowsAll(s)).as(s).isEqualTo(SERVICE_TIER.matcher(s).matches());
            assertThat(Chars.PRINTABLE_ASCII.allowsAll(s)).as(s)
                    .isEqualTo(PRINTABLE_ASCII.matcher(s).matches());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.0", "-0.0000000000", "0.0123", "1000000", "1000000.0000000001",
            "99999999.9999999999", "100000000", "123456789.123", "9999999999999999", "-9999999999999999.9999999999",
            "0000000000000001.5", "00000000.0000000001", "-1", "12.3400000000"})
    void readsDecimalStringsAsNewBigDecimalDoes(String s) {
        assertThat(JsonScalars.decimal(s)).isEqualTo(new BigDecimal(s).setScale(JsonScalars.MONEY_FRACTION_DIGITS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", ".", "-.5", ".5", "5.", "1.2.3", "+1", "1e3", "1E3", "0x10", " 1", "1 ",
            "1,5", "--1", "1-", "0.00000000001", "10000000000000000", "\u0661", "\uff11.5", "1.\u0660", "NaN",
            "Infinity", "1_000", "12345678901234567.1"})
    void rejectsEveryOtherString(String s) {
        assertThat(DECIMAL.matcher(s).matches()).isFalse();
        assertThat(JsonScalars.decimal(s)).isNull();
    }

    @Test
    void decimalAgreesWithTheRegexAndBigDecimalOnRandomStrings() {
        Random random = new Random(13);
        String alphabet = "0123456789012345678901234567890123456789.-+eE \u0660\uff10x";
        for (int i = 0; i < 300_000; i++) {
            String s = switch (random.nextInt(3)) {
                case 0 -> randomString(random, alphabet, random.nextInt(30));
                case 1 -> shaped(random);
                default -> mutate(random, shaped(random), alphabet);
            };
            BigDecimal read = JsonScalars.decimal(s);
            if (DECIMAL.matcher(s).matches()) {
                assertThat(read).as(s).isEqualTo(new BigDecimal(s).setScale(JsonScalars.MONEY_FRACTION_DIGITS));
            } else {
                assertThat(read).as(s).isNull();
            }
        }
    }

    /** {@code -?d{1,18}(.d{1,12})?}: straddles both length limits and the long/BigDecimal split at 8 digits. */
    private static String shaped(Random random) {
        StringBuilder s = new StringBuilder();
        if (random.nextBoolean()) {
            s.append('-');
        }
        int integer = 1 + random.nextInt(18);
        for (int j = 0; j < integer; j++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        if (random.nextBoolean()) {
            s.append('.');
            int fraction = 1 + random.nextInt(12);
            for (int j = 0; j < fraction; j++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
        }
        return s.toString();
    }

    private static String mutate(Random random, String s, String alphabet) {
        StringBuilder b = new StringBuilder(s);
        int at = random.nextInt(b.length() + 1);
        switch (random.nextInt(3)) {
            case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
            case 1 -> {
                if (at < b.length()) {
                    b.deleteCharAt(at);
                }
            }
            default -> {
                if (at < b.length()) {
                    b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
        }
        return b.toString();
    }

    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int j = 0; j < length; j++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
