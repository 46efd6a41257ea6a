package dev.usageledger.relayapi.it;

import dev.usageledger.fixtures.TestStack;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/** A test that stops the shared Redis under a running relay-api: Redis is started again after each test. */
abstract class RedisOutageContext extends LiveKafkaContext {

    private static final AtomicInteger KEYS = new AtomicInteger();

    @AfterEach
    void restartRedis() {
        TestStack.get().redis().start();
    }

    static String newKey(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + KEYS.incrementAndGet();
    }

    Api.Answer admit(String key) {
        return api.call("POST", "/v1/admissions", RELAY_TOKEN,
                "{\"apiKeyId\":\"" + key + "\",\"requestId\":\"req-" + System.nanoTime() + "\"}");
    }
}
