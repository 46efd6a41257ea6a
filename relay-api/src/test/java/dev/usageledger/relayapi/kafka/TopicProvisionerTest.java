package dev.usageledger.relayapi.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaAdmin;

/** Kafka down: one attempt at a time, and a caller that waited for another's attempt does not make one of its own. */
class TopicProvisionerTest {

    @Test
    void aCallerThatWaitedForAnAttemptTakesItsOutcome() throws Exception {
        CountDownLatch inAttempt = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        KafkaAdmin down = new KafkaAdmin(Map.of()) {
            @Override
            public void createOrModifyTopics(NewTopic... topics) {
                attempts.incrementAndGet();
                inAttempt.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("Kafka is down");
            }
        };
        // No interval between attempts: only the waiting rule keeps the second caller from trying again.
        TopicProvisioner provisioner = new TopicProvisioner(down, List.of(new NewTopic("t", 1, (short) 1)),
                Duration.ZERO);

        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(provisioner::ensure);
        assertThat(inAttempt.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> second = new CompletableFuture<>();
        Thread waiting = new Thread(() -> second.complete(provisioner.ensure()));
        waiting.start();
        while (waiting.getState() != Thread.State.BLOCKED) { // until it waits for the attempt's lock
            assertThat(waiting.isAlive()).isTrue();
            Thread.sleep(5);
        }
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(second.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(attempts).hasValue(1);
        // A caller that did not wait for an attempt makes its own.
        assertThat(provisioner.ensure()).isFalse();
        assertThat(attempts).hasValue(2);
    }
}
