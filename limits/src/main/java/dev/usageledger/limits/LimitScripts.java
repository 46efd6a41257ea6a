package dev.usageledger.limits;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * All Lua of the limits, loaded from {@code limits/*.lua} on the classpath. Scripts run by SHA ({@code EVALSHA});
 * when Redis answers {@code NOSCRIPT} (a restart, a failover, {@code SCRIPT FLUSH}) the script is loaded again and
 * the call repeated once. Thread-safe; the SHA-1 digests are computed locally, so nothing is asked of Redis up front.
 */
public final class LimitScripts {

    /** The scripts; each file documents its KEYS, ARGV and reply. */
    public enum Script {
        ADMIT("admit.lua"),
        RENEW("renew.lua"),
        RELEASE("release.lua"),
        USAGE("usage.lua"),
        COUNT("count.lua"),
        RESTORE("restore.lua");

        private final String file;

        Script(String file) {
            this.file = file;
        }
    }

    private final Map<Script, String> source = new EnumMap<>(Script.class);
    private final Map<Script, String> sha = new EnumMap<>(Script.class);

    public LimitScripts() {
        for (Script script : Script.values()) {
            String text = load("limits/" + script.file);
            source.put(script, text);
            sha.put(script, sha1(text));
        }
    }

    /** The script's text (for redis-benchmark and tests). */
    public String source(Script script) {
        return source.get(script);
    }

    public String sha(Script script) {
        return sha.get(script);
    }

    /** Runs {@code script} with {@code keys} (all of one hash tag) and {@code args}; reloads it once on NOSCRIPT. */
    public Object run(UnifiedJedis redis, Script script, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha.get(script), keys, args);
        } catch (JedisNoScriptException e) {
            redis.scriptLoad(source.get(script), keys.get(0));
            return redis.evalsha(sha.get(script), keys, args);
        }
    }

    private static String load(String resource) {
        try (InputStream in = LimitScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
