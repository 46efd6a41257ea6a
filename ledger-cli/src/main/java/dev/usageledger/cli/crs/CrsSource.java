package dev.usageledger.cli.crs;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Which CRS history one import reads: the Redis URI, the key prefix, CRS's offset and the cutoff. Its id derives from
 * them (the URI without its password), so running the same import again addresses the same baseline rows.
 */
public record CrsSource(URI redisUri, String keyPrefix, CrsOffset offset, Instant cutoff) {

    /** The URI as recorded and shown: without its password (a user name stays). */
    public String safeUri() {
        String userInfo = redisUri.getUserInfo();
        String user = userInfo == null || userInfo.startsWith(":") ? null
                : userInfo.contains(":") ? userInfo.substring(0, userInfo.indexOf(':')) : userInfo;
        try {
            return new URI(redisUri.getScheme(), user, redisUri.getHost(), redisUri.getPort(), redisUri.getPath(),
                    null, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URI: " + redisUri.getHost(), e);
        }
    }

    /** As {@code crs_imports} records it. */
    public BaselineImports.Recorded recorded() {
        return new BaselineImports.Recorded(safeUri(), keyPrefix, offset.minutes(), cutoff);
    }

    /** {@code crs-} and 16 hex digits of SHA-256 over the password-less URI, prefix, offset and cutoff. */
    public String derivedId() {
        String identity = safeUri() + "\n" + keyPrefix + "\n" + offset + "\n" + cutoff;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "crs-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
