package dev.usageledger.limits;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How the {@code limits.changed} topic is written and read, the same in every application. Every event goes to
 * {@link #PARTITION}, whatever partition count the topic was given (it is created with one: changes are rare and stay
 * in order). Every reader assigns itself that partition from its end, without a consumer group: each instance sees
 * every change, nothing is committed, and a restarted instance (its cache empty) starts at the changes to come.
 */
public final class LimitsChangesTopic {

    /** The one partition written and read. */
    public static final int PARTITION = 0;

    private LimitsChangesTopic() {}

    /** {@code base} consumer settings made fit for a reader: no group (the partition is assigned), no commits. */
    public static Map<String, Object> readerConfig(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The topic is created with one partition by the applications, never by a broker's defaults.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }
}
